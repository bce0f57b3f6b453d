package org.cxrtriage.app.security;

import org.cxrtriage.app.support.ServerProcess;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's log at INFO, through ingest, triage, the web worklist and FHIR, holds no patient
 * name, patient ID or accession number.
 */
class PhiInLogsTest {

    @TempDir
    Path dir;

    @Test
    void noPatientIdentifiersReachTheLogAtInfo() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        PhantomIdentity patient = PhantomIdentity.newStudy();
        Path file = dir.resolve("study.dcm");
        Transcoder.write(PhantomSpec.chestCr(patient, 1).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        Path garbage = Files.write(dir.resolve("garbage.dcm"), ("DICM " + patient.patientName() + " " + patient.patientId())
                .getBytes());
        try (ServerProcess server = ServerProcess.start(data, Map.of("TRIAGE_LOG_LEVEL", "INFO"), log).withTestUsers(data)) {
            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1));
            Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(garbage));
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.httpPort();
            String radiologist = TestUsers.basic(Role.RADIOLOGIST, data);
            String body = "";
            for (int i = 0; i < 300 && !body.contains(patient.studyInstanceUid()); i++) {
                Thread.sleep(200);
                body = http.send(HttpRequest.newBuilder(URI.create(base + "/fhir/Task?_include=Task:focus"))
                        .header("Authorization", radiologist).build(), HttpResponse.BodyHandlers.ofString()).body();
            }
            assertTrue(body.contains(patient.studyInstanceUid()), "the study reached the worklist");
            for (String path : List.of("/api/worklist", "/api/studies/" + patient.studyInstanceUid(),
                    "/api/studies/" + patient.studyInstanceUid() + "/preview.png", "/fhir/ImagingStudy/" + patient.studyInstanceUid())) {
                assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", radiologist)
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), path);
            }
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/login")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + patient.patientId() + "\",\"password\":\"x\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }
        String text = Files.readString(log);
        assertTrue(text.contains("INFO"), "the log was written at INFO");
        String surname = patient.patientName().split("\\^")[2];
        for (String identifier : List.of(patient.patientId(), patient.accessionNumber(), surname)) {
            assertFalse(text.contains(identifier), identifier + " appears in the log:\n" + text.lines()
                    .filter(line -> line.contains(identifier)).toList());
        }
        String adminPassword = TestUsers.password(Role.ADMIN, data);
        assertFalse(text.contains(adminPassword), "the first administrator's password went to the log, not only to its file");
        assertTrue(text.contains("its password is in " + data.resolve("initial-admin-password")), "the log says where it is");
    }
}
