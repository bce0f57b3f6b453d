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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DCMTK against the whole server, on H2 and on PostgreSQL. */
class IngestTest {

    @TempDir
    Path dir;

    private TriageServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Ingest is tested on its own here: no triage workers, so queued jobs stay as assembly left them. */
    private TriageServer start(Database database, Map<String, Object> extra) {
        Map<String, Object> properties = new java.util.HashMap<>(extra);
        properties.put("triage.workers.count", 0);
        server = TriageServer.start(database, dir.resolve("data"), properties);
        return server;
    }

    static Stream<Arguments> databasesAndSyntaxes() {
        List<Arguments> cases = new ArrayList<>();
        for (Database database : Database.values()) {
            for (Encoding encoding : Encoding.values()) {
                if (encoding != Encoding.JPEG_LS_LOSSLESS && encoding != Encoding.JPEG_EXTENDED_12BIT) {
                    cases.add(Arguments.of(database, encoding));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("databasesAndSyntaxes")
    void storesEachAcceptedTransferSyntaxWithItsRow(Database database, Encoding encoding) throws Exception {
        start(database, Map.of());
        PhantomSpec spec = phantom(PhantomIdentity.newStudy(), encoding.bitsStoredFor());
        Path file = dir.resolve("in.dcm");
        Transcoder.write(spec, encoding, file);

        Dcmtk.SendResult sent = Dcmtk.sendAsIs(server.dicomPort(), "CXRTRIAGE", "PACS", file, encoding);

        assertTrue(sent.stored(), sent.output());
        String sop = spec.identity().sopInstanceUid();
        List<Object> row = server.query("SELECT transfer_syntax_uid, calling_ae_title, study_instance_uid, spool_path, size_bytes"
                + " FROM instance WHERE sop_instance_uid = ?", sop).get(0);
        assertEquals(encoding.uid(), row.get(0));
        assertEquals("PACS", row.get(1));
        assertEquals(spec.identity().studyInstanceUid(), row.get(2));
        Path spooled = server.dataDir().resolve((String) row.get(3));
        assertEquals(spooled, server.dataDir().resolve("spool").resolve(spec.identity().studyInstanceUid()).resolve(sop + ".dcm"));
        assertEquals(Files.size(spooled), ((Number) row.get(4)).longValue());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void onlyAllowedCallersAndOurAeTitleMayAssociate(Database database) throws Exception {
        start(database, Map.of("triage.dicom.allowed-callers", "PACS, ORTHANC"));

        assertEquals(0, Dcmtk.echo(server.dicomPort(), "CXRTRIAGE", "PACS").exitCode());
        Dcmtk.Result stranger = Dcmtk.echo(server.dicomPort(), "CXRTRIAGE", "MODALITY9");
        assertTrue(stranger.output().contains("Calling AE Title Not Recognized"), stranger.output());
        Dcmtk.Result wrongCalled = Dcmtk.echo(server.dicomPort(), "OTHERAE", "PACS");
        assertTrue(wrongCalled.output().contains("Called AE Title Not Recognized"), wrongCalled.output());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void quietStudyGetsOneJobAndALateInstanceReopensIt(Database database) throws Exception {
        start(database, Map.of());
        PhantomIdentity study = PhantomIdentity.newStudy();
        List<Path> files = List.of(write(phantom(study, 12)), write(phantom(study.nextInstance(), 12)));

        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", files).allSucceeded(2));
        server.awaitCount(1, "SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ?", study.studyInstanceUid());

        assertEquals(List.of("READY", 2, 1), studyRow(study.studyInstanceUid()));
        assertEquals(List.of(1, "NEW_STUDY", "QUEUED"), jobRow(study.studyInstanceUid(), 1));

        Path late = write(phantom(study.nextSeries(), 12));
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(late)).allSucceeded(1));
        server.awaitCount(2, "SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ?", study.studyInstanceUid());

        assertEquals(List.of("READY", 3, 2), studyRow(study.studyInstanceUid()));
        assertEquals(List.of(2, "LATE_INSTANCE", "QUEUED"), jobRow(study.studyInstanceUid(), 2));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void resendingAnInstanceChangesNothing(Database database) throws Exception {
        start(database, Map.of());
        PhantomIdentity study = PhantomIdentity.newStudy();
        Path file = write(phantom(study, 12));

        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file, file)).allSucceeded(2));
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1));

        assertEquals(1, server.count("SELECT COUNT(*) FROM instance WHERE study_instance_uid = ?", study.studyInstanceUid()));
        assertEquals(1, server.count("SELECT instance_count FROM study WHERE study_instance_uid = ?", study.studyInstanceUid()));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void belowTheFreeSpaceFloorNothingIsStoredOrRecorded(Database database) throws Exception {
        start(database, Map.of("triage.spool.min-free-mb", Long.MAX_VALUE / (2L * 1024 * 1024)));
        PhantomIdentity study = PhantomIdentity.newStudy();

        Dcmtk.StoreRun run = Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(write(phantom(study, 12))));

        assertEquals("Refused: OutOfResources", run.files().get(0).status(), run.output());
        assertEquals(0, server.count("SELECT COUNT(*) FROM instance"));
        assertFalse(Files.exists(server.dataDir().resolve("spool").resolve(study.studyInstanceUid())));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void ctObjectsAreRefusedAtNegotiationAndNothingIsRecorded(Database database) throws Exception {
        start(database, Map.of());
        PhantomIdentity study = PhantomIdentity.newStudy();
        Path ct = dir.resolve("ct.dcm");
        Transcoder.write(phantom(study, 12).withModality("CT").withBodyPart("HEAD"), Encoding.EXPLICIT_LITTLE_ENDIAN, ct);

        Dcmtk.StoreRun run = Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(ct));

        assertEquals(0, run.successes(), run.output());
        assertTrue(run.output().toLowerCase().contains("no presentation context"), run.output());
        assertEquals(0, server.count("SELECT COUNT(*) FROM instance"));
    }

    private List<Object> studyRow(String studyUid) throws Exception {
        List<Object> row = server.query("SELECT status, instance_count, revision FROM study WHERE study_instance_uid = ?", studyUid).get(0);
        return List.of(row.get(0), ((Number) row.get(1)).intValue(), ((Number) row.get(2)).intValue());
    }

    private List<Object> jobRow(String studyUid, int revision) throws Exception {
        List<Object> row = server.query("SELECT study_revision, reason, status FROM triage_job"
                + " WHERE study_instance_uid = ? AND study_revision = ?", studyUid, revision).get(0);
        return List.of(((Number) row.get(0)).intValue(), row.get(1), row.get(2));
    }

    private Path write(PhantomSpec spec) throws Exception {
        Path file = dir.resolve(spec.identity().sopInstanceUid() + ".dcm");
        Transcoder.write(spec, Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        return file;
    }

    static PhantomSpec phantom(PhantomIdentity identity, int bits) {
        return PhantomSpec.chestCr(identity, 3).withSize(256, 256).withPixels(bits, false, false);
    }
}
