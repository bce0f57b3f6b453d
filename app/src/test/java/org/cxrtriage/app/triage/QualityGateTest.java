package org.cxrtriage.app.triage;

import org.cxrtriage.app.security.Role;
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

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What reaches the model must be positively a chest radiograph, and what cannot be decoded is said
 * once: a Secondary Capture test pattern (modality OT, no body part) is "not a chest radiograph",
 * not scored asap; a corrupt JPEG codestream is "undecodable" after one attempt, not three, and its
 * Task still leads to an ImagingStudy and a Patient. Against DCMTK, on H2 and PostgreSQL.
 */
class QualityGateTest {

    @TempDir
    Path dir;

    private TriageServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aTestPatternIsNotAChestRadiographAndACorruptCodestreamIsTriedOnce(Database database) throws Exception {
        server = TriageServer.start(database, dir.resolve("data"), Map.of());
        PhantomIdentity pattern = PhantomIdentity.newStudy();
        Path testPattern = dir.resolve("pattern.dcm");
        Transcoder.write(PhantomSpec.chestCr(pattern, 5).withModality("OT").withBodyPart("").withSize(512, 512),
                Encoding.EXPLICIT_LITTLE_ENDIAN, testPattern);
        PhantomIdentity corrupt = PhantomIdentity.newStudy();
        Path broken = corruptCodestream(PhantomSpec.chestCr(corrupt, 6).withSize(512, 512));

        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(testPattern)).allSucceeded(1));
        assertTrue(Dcmtk.sendAsIs(server.dicomPort(), "CXRTRIAGE", "PACS", broken, Encoding.JPEG_LOSSLESS_SV1).stored());
        server.awaitCount(2, "SELECT COUNT(*) FROM worklist_item WHERE business_status IS NOT NULL");

        assertEquals(List.of("not-scored", "not a chest radiograph (modality OT without a chest body part or description)"),
                worklist(pattern.studyInstanceUid()));
        List<Object> undecodable = worklist(corrupt.studyInstanceUid());
        assertEquals("not-scored", undecodable.get(0));
        assertTrue(((String) undecodable.get(1)).startsWith("undecodable image"), undecodable.toString());
        assertEquals(List.of(1, "DONE"), server.query("SELECT attempts, status FROM triage_job WHERE study_instance_uid = ?",
                corrupt.studyInstanceUid()).get(0).stream().map(v -> v instanceof Number n ? (Object) n.intValue() : v).toList(),
                "a codestream that cannot be decoded is not retried");

        String task = get("/fhir/Task/" + corrupt.studyInstanceUid());
        assertTrue(task.contains("\"reference\":\"ImagingStudy/" + corrupt.studyInstanceUid() + "\""), task);
        String patient = task.replaceAll("(?s).*\"reference\":\"(Patient/[^\"]+)\".*", "$1");
        assertTrue(patient.startsWith("Patient/pat-"), task);
        assertEquals(200, status("/fhir/ImagingStudy/" + corrupt.studyInstanceUid()));
        assertEquals(200, status("/fhir/" + patient));
    }

    /** A JPEG lossless file whose codestream header (after its SOI marker) is overwritten with zeros. */
    private Path corruptCodestream(PhantomSpec spec) throws Exception {
        Path file = dir.resolve("corrupt.dcm");
        Transcoder.write(spec, Encoding.JPEG_LOSSLESS_SV1, file);
        byte[] bytes = Files.readAllBytes(file);
        int soi = -1;
        for (int i = bytes.length - 4; i > 0; i--) {
            if ((bytes[i] & 0xFF) == 0xFF && (bytes[i + 1] & 0xFF) == 0xD8 && (bytes[i + 2] & 0xFF) == 0xFF) {
                soi = i;
                break;
            }
        }
        assertTrue(soi > 0, "a JPEG codestream in the file");
        Arrays.fill(bytes, soi + 2, Math.min(bytes.length - 16, soi + 400), (byte) 0);
        Files.write(file, bytes);
        return file;
    }

    private List<Object> worklist(String study) throws Exception {
        return server.query("SELECT business_status, reason FROM worklist_item WHERE study_instance_uid = ?", study).get(0);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(server.as(Role.RADIOLOGIST, path).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    private int status(String path) throws Exception {
        return http.send(server.as(Role.RADIOLOGIST, path).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
