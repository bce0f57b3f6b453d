package org.cxrtriage.app.ingest;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding 6 with DCMTK storescu, on H2 and PostgreSQL: the same instance re-sent is idempotent
 * (one row, no new triage revision), but the same SOP Instance UID re-sent with a changed
 * accession number is a correction: the spooled copy is replaced, the study is reopened and a new
 * revision queued, and the audit trail says so.
 */
class CorrectedResendTest {

    @TempDir
    Path dir;

    private TriageServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anIdenticalResendChangesNothingAndAChangedOneQueuesANewRevision(Database database) throws Exception {
        // No triage workers: queued jobs stay as assembly left them, so revisions can be counted.
        server = TriageServer.start(database, dir.resolve("data"), Map.of("triage.workers.count", 0));
        PhantomIdentity identity = PhantomIdentity.newStudy();
        String study = identity.studyInstanceUid();
        String sop = identity.sopInstanceUid();
        Path file = dir.resolve("cr.dcm");
        Transcoder.write(PhantomSpec.chestCr(identity, 3).withSize(256, 256), Encoding.EXPLICIT_LITTLE_ENDIAN, file);

        assertTrue(push(file));
        server.awaitCount(1, "SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ?", study);
        String firstHash = (String) row("SELECT content_sha256 FROM instance WHERE sop_instance_uid = ?", sop).get(0);

        assertTrue(push(file));
        Thread.sleep(2500); // more than the 1 s quiet period plus an assembly poll
        assertEquals(1, server.count("SELECT COUNT(*) FROM instance WHERE study_instance_uid = ?", study));
        assertEquals(1, server.count("SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ?", study),
                "an identical re-send queues no new revision");
        assertEquals(List.of("READY", 1), studyState(study));
        assertEquals(1, audited(study, "re-sent, already stored " + sop));

        Dcmtk.Result edited = Dcmtk.run(List.of("dcmodify", "-nb", "-m", "(0008,0050)=CORRECTED7", file.toString()));
        assertEquals(0, edited.exitCode(), edited.output());
        assertTrue(push(file));
        server.awaitCount(2, "SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ?", study);

        assertEquals(1, server.count("SELECT COUNT(*) FROM instance WHERE study_instance_uid = ?", study), "still one row");
        assertEquals(List.of("READY", 2), studyState(study));
        List<Object> job = row("SELECT reason, status FROM triage_job WHERE study_instance_uid = ? AND study_revision = 2", study);
        assertEquals(List.of("LATE_INSTANCE", "QUEUED"), job, "the correction is triaged again as a new revision");
        List<Object> instance = row("SELECT content_sha256, corrected_at, spool_path FROM instance WHERE sop_instance_uid = ?", sop);
        assertNotEquals(firstHash, instance.get(0));
        assertNotNull(instance.get(1), "corrected_at is set");
        assertTrue(Files.readString(server.dataDir().resolve((String) instance.get(2)), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("CORRECTED7"), "the corrected copy replaced the first in the spool");
        assertEquals(1, audited(study, "corrected re-send of " + sop));
    }

    private boolean push(Path file) throws Exception {
        return Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1);
    }

    private List<Object> studyState(String study) throws Exception {
        List<Object> row = row("SELECT status, revision FROM study WHERE study_instance_uid = ?", study);
        return List.of(row.get(0), ((Number) row.get(1)).intValue());
    }

    private List<Object> row(String sql, Object... parameters) throws Exception {
        return server.query(sql, parameters).get(0);
    }

    private long audited(String study, String details) throws Exception {
        return server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'dicom.store' AND study_uid = ? AND details = ?",
                study, details);
    }
}
