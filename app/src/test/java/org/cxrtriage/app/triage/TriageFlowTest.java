package org.cxrtriage.app.triage;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.cxrtriage.testdata.View;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From a storescu push to a prioritised worklist item, with the reference model, on H2 and
 * PostgreSQL. The pneumothorax and normal studies come from the same phantom generator the model
 * was trained with (models/reference/make_dicom_set.py), written as real DICOM.
 */
class TriageFlowTest {

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
    void flaggedStudyComesFirstAndUnscorableStudiesAreListedWithTheirReason(Database database) throws Exception {
        server = TriageServer.start(database, dir.resolve("data"), Map.of());
        PythonPhantoms.Study pneumothorax = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 21);
        PythonPhantoms.Study normal = PythonPhantoms.study(dir, "normal", "none", 22);
        PhantomIdentity lateralStudy = PhantomIdentity.newStudy();
        Path lateral = dir.resolve("lateral.dcm");
        Transcoder.write(PhantomSpec.chestCr(lateralStudy, 4).withView(View.LATERAL).withSize(300, 300),
                Encoding.EXPLICIT_LITTLE_ENDIAN, lateral);

        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(normal.file(), pneumothorax.file(), lateral))
                .allSucceeded(3));
        server.awaitCount(3, "SELECT COUNT(*) FROM worklist_item");

        List<List<Object>> worklist = server.query("""
                SELECT w.study_instance_uid, w.priority, w.business_status, w.reason, w.critical
                  FROM worklist_item w ORDER BY w.priority_rank DESC, w.aged_score DESC""");
        assertEquals(pneumothorax.studyInstanceUid(), worklist.get(0).get(0), "the pneumothorax study is first: " + worklist);
        assertEquals(Boolean.TRUE, worklist.get(0).get(4));
        List<Object> lateralRow = worklist.stream().filter(row -> row.get(0).equals(lateralStudy.studyInstanceUid()))
                .findFirst().orElseThrow();
        assertEquals("not-scored", lateralRow.get(2));
        assertEquals("lateral view only", lateralRow.get(3));

        List<Object> finding = server.query("""
                SELECT f.probability, f.positive, r.model_id, r.model_sha256, f.calibration_version
                  FROM finding_result f JOIN triage_result r ON r.id = f.result_id
                 WHERE r.study_instance_uid = ? AND f.finding_key = 'pneumothorax' AND r.shadow = FALSE""",
                pneumothorax.studyInstanceUid()).get(0);
        double probability = ((Number) finding.get(0)).doubleValue();
        assertTrue(probability >= 0 && probability <= 1);
        assertEquals(Boolean.TRUE, finding.get(1), "positive at the operating point, p = " + probability);
        assertEquals("cxr-reference", finding.get(2));
        assertNotNull(finding.get(3));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aLateInstanceSupersedesTheResultWithoutLoweringPriority(Database database) throws Exception {
        server = TriageServer.start(database, dir.resolve("data"), Map.of());
        PythonPhantoms.Study pneumothorax = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 31);
        String study = pneumothorax.studyInstanceUid();
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(pneumothorax.file())).allSucceeded(1));
        server.awaitCount(1, "SELECT COUNT(*) FROM triage_result WHERE study_instance_uid = ? AND shadow = FALSE", study);
        List<Object> before = server.query("SELECT priority_rank, triage_score FROM worklist_item WHERE study_instance_uid = ?",
                study).get(0);

        PhantomIdentity late = new PhantomIdentity("X", "LATE^LATERAL", "F", "A", study, PhantomIdentity.newUid(),
                PhantomIdentity.newUid());
        Path lateral = dir.resolve("late-lateral.dcm");
        Transcoder.write(PhantomSpec.chestCr(late, 8).withView(View.LATERAL).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN,
                lateral);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(lateral)).allSucceeded(1));
        server.awaitCount(2, "SELECT COUNT(*) FROM triage_result WHERE study_instance_uid = ? AND shadow = FALSE", study);

        List<Object> after = server.query("SELECT priority_rank, triage_score FROM worklist_item WHERE study_instance_uid = ?",
                study).get(0);
        assertTrue(((Number) after.get(0)).intValue() >= ((Number) before.get(0)).intValue());
        assertTrue(((Number) after.get(1)).doubleValue() >= ((Number) before.get(1)).doubleValue());
        assertEquals(1, server.count("SELECT COUNT(*) FROM triage_result WHERE study_instance_uid = ? AND shadow = FALSE"
                + " AND superseded_by IS NOT NULL", study), "the first result is kept in history, superseded");
    }
}
