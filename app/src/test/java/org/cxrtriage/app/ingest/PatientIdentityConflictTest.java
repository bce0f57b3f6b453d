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

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding 8 with DCMTK storescu, on H2 and PostgreSQL: an instance whose patient (Issuer of Patient
 * ID + Patient ID) differs from the rest of its study is accepted, but the study is flagged and the
 * audit trail says so; only keyed hashes of the identity are stored. Re-sending the whole study
 * with a corrected Patient ID clears the flag.
 */
class PatientIdentityConflictTest {

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
    void aDifferentPatientInOneStudyIsFlaggedAndACorrectedStudyClearsTheFlag(Database database) throws Exception {
        server = TriageServer.start(database, dir.resolve("data"), Map.of("triage.workers.count", 0));
        PhantomIdentity first = PhantomIdentity.newStudy();
        PhantomIdentity stranger = new PhantomIdentity("OTHER" + first.patientId(), "OTHER^PATIENT", "M",
                first.accessionNumber(), first.studyInstanceUid(), PhantomIdentity.newUid(), PhantomIdentity.newUid());
        String study = first.studyInstanceUid();
        Path a = write(first);
        Path b = write(stranger);

        assertTrue(push(a));
        assertEquals(Boolean.FALSE, conflict(study), "one instance agrees with itself");
        assertTrue(push(b), "the instance is accepted");

        assertEquals(Boolean.TRUE, conflict(study));
        assertEquals(2, server.count("SELECT COUNT(*) FROM instance WHERE study_instance_uid = ?", study));
        assertEquals(1, audited(study, "patient identity differs from other instances of the study"));
        for (List<Object> row : server.query("SELECT patient_identity FROM instance WHERE study_instance_uid = ?", study)) {
            String identity = (String) row.get(0);
            assertTrue(identity.matches("[0-9a-f]{64}"), "a keyed hash, not the ID: " + identity);
            assertFalse(identity.contains(first.patientId()) || identity.contains(stranger.patientId()));
        }

        for (Path file : List.of(a, b)) {
            Dcmtk.Result corrected = Dcmtk.run(List.of("dcmodify", "-nb", "-m", "(0010,0020)=MERGED42", file.toString()));
            assertEquals(0, corrected.exitCode(), corrected.output());
        }
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(a, b)).allSucceeded(2));

        assertEquals(Boolean.FALSE, conflict(study), "every current instance agrees again");
        assertEquals(1, audited(study, "patient identities of the study agree again"));
        assertEquals(1, server.count("SELECT COUNT(DISTINCT patient_identity) FROM instance WHERE study_instance_uid = ?", study));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anInstanceWithoutPatientIdDoesNotPassForTheSamePatient(Database database) throws Exception {
        server = TriageServer.start(database, dir.resolve("data"), Map.of("triage.workers.count", 0));
        PhantomIdentity first = PhantomIdentity.newStudy();
        PhantomIdentity second = first.nextInstance();
        Path a = write(first);
        Path b = write(second);
        Dcmtk.Result emptied = Dcmtk.run(List.of("dcmodify", "-nb", "-m", "(0010,0020)=", b.toString()));
        assertEquals(0, emptied.exitCode(), emptied.output());

        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(a, b)).allSucceeded(2));

        assertEquals(Boolean.TRUE, conflict(first.studyInstanceUid()));
        assertEquals(List.of("absent"), server.query("SELECT patient_identity FROM instance WHERE sop_instance_uid = ?",
                second.sopInstanceUid()).get(0));
    }

    private Path write(PhantomIdentity identity) throws Exception {
        Path file = dir.resolve(identity.sopInstanceUid() + ".dcm");
        Transcoder.write(PhantomSpec.chestCr(identity, 4).withSize(256, 256), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        return file;
    }

    private boolean push(Path file) throws Exception {
        return Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1);
    }

    private Object conflict(String study) throws Exception {
        return server.query("SELECT identity_conflict FROM study WHERE study_instance_uid = ?", study).get(0).get(0);
    }

    private long audited(String study, String details) throws Exception {
        return server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'dicom.store' AND study_uid = ? AND details = ?",
                study, details);
    }
}
