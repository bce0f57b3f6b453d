package org.cxrtriage.app.triage.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.CliProcess;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ModelVersions;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A canary whose reference profile rejects this site's images is staged by an administrator over
 * {@code /api/admin/models}; its own monitoring reaches alarm on its unreliable rate and it goes back
 * to shadow by itself, audited and shown to administrators. Its FHIR Device carries the rollout state.
 */
class CanaryAutoRollbackTest {

    private static final String REJECTING = "2.3.0-rejects-site-images";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anAlarmOnTheCanaryRollsItBackToShadowByItself() throws Exception {
        try (TriageServer server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of(
                "triage.monitor.min-studies", 5, "triage.monitor.poll", "1s", "triage.rollout.poll", "500ms"))) {
            CliProcess install = CliProcess.runWith(server.databaseEnvironment(), null, "model", "install",
                    ModelVersions.reference(dir.resolve("v"), REJECTING, false, true).toString(),
                    "--data-dir", server.dataDir().toString());
            assertEquals(0, install.exitCode(), install.output());

            HttpResponse<String> early = post(server, Role.ADMIN, "/api/admin/models/cxr-reference/" + REJECTING + "/stage",
                    "{\"state\":\"active\",\"reason\":\"skip the trial\"}");
            assertEquals(422, early.statusCode(), early.body());
            assertTrue(early.body().contains("too little evidence"), early.body());
            assertEquals(403, post(server, Role.RADIOLOGIST, "/api/admin/models/cxr-reference/" + REJECTING + "/stage",
                    "{\"state\":\"canary\",\"reason\":\"not mine to do\"}").statusCode());
            HttpResponse<String> badCaller = post(server, Role.ADMIN, "/api/admin/models/cxr-reference/" + REJECTING + "/stage",
                    "{\"state\":\"canary\",\"callers\":\"MODALITY1,THIS-IS-NOT-AN-AE-TITLE\",\"reason\":\"typo\"}");
            assertEquals(422, badCaller.statusCode(), badCaller.body());
            assertTrue(badCaller.body().contains("'THIS-IS-NOT-AN-AE-TITLE' is not a calling AE title"), badCaller.body());
            HttpResponse<String> canary = post(server, Role.ADMIN, "/api/admin/models/cxr-reference/" + REJECTING + "/stage",
                    "{\"state\":\"canary\",\"percent\":100,\"reason\":\"vendor 2.3 canary\"}");
            assertEquals(200, canary.statusCode(), canary.body());
            assertEquals("canary", deviceState(server, REJECTING));

            for (int i = 0; i < 5; i++) {
                PythonPhantoms.Study study = PythonPhantoms.study(dir, "study-" + i, "none", 70 + i);
                assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(study.file())).allSucceeded(1));
                server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?"
                        + " AND current_result_id IS NOT NULL", study.studyInstanceUid());
                assertEquals("unreliable", server.query("SELECT business_status FROM worklist_item WHERE study_instance_uid = ?",
                        study.studyInstanceUid()).get(0).get(0), "the canary decided, and its verdict refused the image");
            }
            server.awaitCount(1, "SELECT COUNT(*) FROM model_version WHERE version = ? AND state = 'shadow'", REJECTING);

            String reason = (String) server.query("SELECT details FROM audit_record WHERE action = 'model.auto-rollback'")
                    .get(0).get(0);
            assertTrue(reason.contains("canary -> shadow") && reason.contains("unreliable rate"), reason);
            JsonNode admin = json.readTree(http.send(server.as(Role.ADMIN, "/api/admin/models").build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertTrue(admin.path("autoRollbacks").get(0).asText().contains(REJECTING + " went back to shadow"), admin.toString());
            assertEquals("shadow", deviceState(server, REJECTING));
            assertEquals(403, http.send(server.as(Role.RADIOLOGIST, "/api/admin/models").build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    private HttpResponse<String> post(TriageServer server, Role role, String path, String body) throws Exception {
        return http.send(server.as(role, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The rollout-state property of the version's FHIR Device. */
    private String deviceState(TriageServer server, String version) throws Exception {
        ModelVersion row = server.context().getBean(ModelRollout.class).find("cxr-reference", version).orElseThrow();
        HttpResponse<String> read = http.send(server.as(Role.INTEGRATION, "/fhir/" + ModelRollout.device(row))
                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), read.body());
        JsonNode device = json.readTree(read.body());
        assertEquals("active", device.path("status").asText(), "a version in shadow or canary runs");
        for (JsonNode property : device.path("property")) {
            if (property.path("type").path("text").asText().equals("rollout-state")) {
                return property.path("valueCode").get(0).path("text").asText();
            }
        }
        throw new AssertionError("no rollout-state in " + read.body());
    }
}
