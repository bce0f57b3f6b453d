package org.cxrtriage.app.audit;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.CliProcess;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a study's journey leaves in the audit log (who, what, which study), and the verify tool
 * run as IT would run it, against the live server's database: intact, then broken by an edit.
 */
class AuditTrailTest {

    @TempDir
    Path dir;

    @Test
    void eachStepIsAuditedAndTamperingIsFound() throws Exception {
        Path data = dir.resolve("data");
        try (TriageServer server = TriageServer.start(Database.H2, data, Map.of())) {
            PhantomIdentity study = PhantomIdentity.newStudy();
            Path file = dir.resolve("study.dcm");
            Transcoder.write(PhantomSpec.chestCr(study, 2).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1));
            server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item");
            String base = "http://127.0.0.1:" + server.httpPort() + "/api";
            HttpClient http = HttpClient.newHttpClient();
            post(http, base + "/login", "{\"user\":\"radiologist\",\"password\":\"nope\"}", null);
            String cookie = post(http, base + "/login", "{\"user\":\"radiologist\",\"password\":\"radiologist-secret-pw\"}", null)
                    .headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            http.send(HttpRequest.newBuilder(URI.create(base + "/studies/" + study.studyInstanceUid())).header("Cookie", cookie)
                    .build(), HttpResponse.BodyHandlers.ofString());
            post(http, base + "/studies/" + study.studyInstanceUid() + "/open", "", cookie);
            post(http, base + "/studies/" + study.studyInstanceUid() + "/review", "", cookie);

            List<String> trail = new ArrayList<>();
            for (List<Object> row : server.query("SELECT actor_type, actor, action, study_uid, outcome FROM audit_record ORDER BY sequence")) {
                trail.add(row.get(0) + " " + row.get(1) + " " + row.get(2) + " " + (study.studyInstanceUid().equals(row.get(3)) ? "study" : "-")
                        + " " + row.get(4));
            }
            for (String expected : List.of("AE PACS dicom.store study SUCCESS", "AE PACS dicom.association - SUCCESS",
                    "SYSTEM cxr-triage triage.scored study SUCCESS", "USER radiologist login.failed - FAILURE",
                    "USER radiologist login - SUCCESS", "USER radiologist study.view study SUCCESS",
                    "USER radiologist task.update study SUCCESS")) {
                assertTrue(trail.contains(expected), expected + " in " + trail);
            }

            Thread.sleep(6000);
            CliProcess result = CliProcess.run("audit", "verify", "--data-dir", data.toString());
            assertEquals(0, result.exitCode(), result.output());
            assertTrue(result.output().contains("audit chain intact"), result.output());

            try (Connection connection = server.context().getBean(DataSource.class).getConnection();
                 Statement statement = connection.createStatement()) {
                SQLException refused = assertThrows(SQLException.class,
                        () -> statement.execute("UPDATE audit_record SET actor = 'someone else' WHERE sequence = 2"));
                assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
                assertThrows(SQLException.class, () -> statement.execute("DELETE FROM audit_record WHERE sequence = 3"));
                // Somebody with the database owner's rights removes the guard and edits a record.
                statement.execute("DROP TRIGGER audit_record_append_only");
                statement.execute("UPDATE audit_record SET actor = 'someone else' WHERE sequence = 2");
            }
            CliProcess broken = CliProcess.run("audit", "verify", "--data-dir", data.toString());
            assertEquals(1, broken.exitCode(), broken.output());
            assertTrue(broken.output().contains("BROKEN at sequence 2"), broken.output());
        }
    }

    @Test
    void removingTheLatestRecordsIsCaughtByTheHeadFileEvenWhenTheDatabaseHeadIsRewound() throws Exception {
        Path data = dir.resolve("truncated");
        try (TriageServer server = TriageServer.start(Database.H2, data, Map.of())) {
            for (int i = 0; i < 3; i++) {
                http(server, Role.INTEGRATION, "/fhir/Task");
            }
            long last = server.count("SELECT MAX(sequence) FROM audit_record");
            Thread.sleep(6000); // the head file is written every 5 s
            assertEquals(last, AuditTrail.lastHead(data.resolve("audit").resolve("chain-head.log")).orElseThrow().sequence());
            try (Connection connection = server.context().getBean(DataSource.class).getConnection();
                 Statement statement = connection.createStatement()) {
                // A database owner removes the guards, deletes the last two records and rewinds the head to match.
                statement.execute("DROP TRIGGER audit_record_append_only");
                statement.execute("DROP TRIGGER audit_head_advances");
                statement.execute("DELETE FROM audit_record WHERE sequence > " + (last - 2));
                statement.execute("UPDATE audit_head SET sequence = " + (last - 2) + ", hash = (SELECT hash FROM audit_record"
                        + " WHERE sequence = " + (last - 2) + ") WHERE id = 1");
            }
            Thread.sleep(6000); // the server keeps running: its head writer must not follow the rewound head
        }
        CliProcess verify = CliProcess.run("audit", "verify", "--data-dir", data.toString());
        assertEquals(1, verify.exitCode(), verify.output());
        assertTrue(verify.output().contains("BROKEN at sequence"), verify.output());
        assertTrue(verify.output().contains("records were removed from the end"), verify.output());
    }

    private static void http(TriageServer server, Role role, String path) throws Exception {
        HttpClient.newHttpClient().send(server.as(role, path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient http, String url, String json, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("X-Requested-With", "cxr-triage") // as the worklist page sends every change
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
