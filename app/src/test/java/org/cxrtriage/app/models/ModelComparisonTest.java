package org.cxrtriage.app.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.CliProcess;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ModelVersions;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.app.triage.rollout.RolloutModels;
import org.cxrtriage.app.triage.rollout.RolloutState;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/admin/models/{id}/{version}/comparison} on PostgreSQL (the page test runs on H2):
 * a shadow version that flags everything against the reference on three DCMTK-pushed studies. The
 * 2x2 counts equal the database's, agreement 0 of n has the Wilson upper bound z²/(n+z²), the
 * disagreeing studies are exactly the database's with worklist links, the histograms add up, the
 * signals say why they are not computed yet, and the read is audited naming each listed study's Task.
 */
class ModelComparisonTest {

    private static final String FLAGGING = "2.1.0-flags-all";
    private static final int STUDIES = 3;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void comparesAShadowVersionWithTheActiveOneOnPostgres() throws Exception {
        try (TriageServer server = TriageServer.start(Database.POSTGRES, dir.resolve("data"), Map.of("triage.rollout.poll", "500ms",
                "triage.monitor.min-studies", "5"))) {
            CliProcess install = CliProcess.runWith(server.databaseEnvironment(), null, "model", "install",
                    ModelVersions.reference(dir.resolve("v-flag"), FLAGGING, true).toString(), "--data-dir",
                    server.dataDir().toString());
            assertEquals(0, install.exitCode(), install.output());
            HttpResponse<String> shadow = http.send(server.as(Role.ADMIN, "/api/admin/models/cxr-reference/" + FLAGGING + "/stage")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"state\":\"shadow\",\"reason\":\"shadow trial\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, shadow.statusCode(), shadow.body());
            awaitShadow(server);
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < STUDIES; i++) {
                files.add(PythonPhantoms.study(dir, "study-" + i, i == 0 ? "pneumothorax" : "none", 80 + i).file());
            }
            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", files).allSucceeded(STUDIES));
            server.awaitCount(STUDIES, "SELECT COUNT(*) FROM triage_result WHERE model_version = ? AND status = 'SCORED'", FLAGGING);

            String comparisonPath = "/api/admin/models/cxr-reference/" + FLAGGING + "/comparison";
            HttpResponse<String> generated = http.send(server.as(Role.ADMIN, comparisonPath).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, generated.statusCode(), "it lists studies: not on the password the server generated");
            String owner = TestUsers.addAdministrator(server.context().getBean(DataSource.class), "admin.owner",
                    "admin-owner-secret");
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri(comparisonPath))
                    .header("Authorization", owner).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            JsonNode comparison = json.readTree(response.body());
            assertEquals(STUDIES, comparison.path("pairs").asInt());
            assertEquals(STUDIES, comparison.path("pairsAvailable").asInt());

            Map<String, long[]> expected = ModelVersions.agreementCounts(server, FLAGGING);
            assertEquals(expected.keySet(), keys(comparison.path("findings")));
            boolean sawNoAgreement = false;
            for (JsonNode finding : comparison.path("findings")) {
                long[] counts = expected.get(finding.path("finding").asText());
                assertEquals(List.of(counts[0], counts[1], counts[2], counts[3]), List.of(finding.path("bothPositive").asLong(),
                        finding.path("candidateOnly").asLong(), finding.path("activeOnly").asLong(),
                        finding.path("bothNegative").asLong()), finding.toString());
                for (String side : List.of("candidateHistogram", "activeHistogram")) {
                    long total = 0;
                    for (JsonNode bin : finding.path(side)) {
                        total += bin.asLong();
                    }
                    assertEquals(10, finding.path(side).size());
                    assertEquals(STUDIES, total, side + " of " + finding);
                }
                double agreement = finding.path("agreement").asDouble();
                assertTrue(finding.path("lower").asDouble() <= agreement && agreement <= finding.path("upper").asDouble());
                if (counts[0] + counts[3] == 0) {
                    double z = 1.959964;
                    assertEquals(z * z / (STUDIES + z * z), finding.path("upper").asDouble(), 1e-4, "Wilson upper bound of 0/n");
                    sawNoAgreement = true;
                }
            }
            assertTrue(sawNoAgreement, "flagging everything disagrees with the reference on every study somewhere");

            Set<String> disagreeing = new TreeSet<>();
            for (List<Object> row : server.query("""
                    SELECT DISTINCT c.study_instance_uid FROM triage_result c
                      JOIN triage_result a ON a.job_id = c.job_id AND a.rollout_role = 'active'
                      JOIN finding_result fc ON fc.result_id = c.id
                      JOIN finding_result fa ON fa.result_id = a.id AND fa.finding_key = fc.finding_key
                     WHERE c.model_version = ? AND fc.positive <> fa.positive""", FLAGGING)) {
                disagreeing.add((String) row.get(0));
            }
            Set<String> listed = new TreeSet<>();
            for (JsonNode row : comparison.path("disagreements")) {
                listed.add(row.path("studyInstanceUid").asText());
                assertTrue(row.path("worklistLink").asText().endsWith("?study=" + row.path("studyInstanceUid").asText()), row.toString());
                assertFalse(row.has("patientName") || row.has("patientId"), row.toString());
            }
            assertEquals(disagreeing, listed);
            assertEquals(disagreeing.size(), comparison.path("disagreeingStudies").asInt());
            for (List<Object> patient : server.query("SELECT patient_name, patient_id FROM study")) {
                for (Object identifier : patient) {
                    if (identifier != null && !identifier.toString().isBlank()) {
                        assertFalse(response.body().contains(identifier.toString()), "patient identifier in the comparison");
                    }
                }
            }
            assertEquals(1, comparison.path("signals").size(), "only the disagreement CUSUM before 5 results");
            assertEquals("canary.disagreementCusum", comparison.path("signals").get(0).path("name").asText(),
                    comparison.path("signals").toString());
            assertTrue(comparison.path("signalsNote").asText().contains("drift signals need 5 results"),
                    comparison.path("signalsNote").asText());

            List<List<Object>> audited = server.query(
                    "SELECT actor, outcome, resources FROM audit_record WHERE action = 'model.comparison'");
            assertEquals(1, audited.size());
            assertEquals(List.of("admin.owner", "SUCCESS"), audited.get(0).subList(0, 2));
            for (String uid : disagreeing) {
                assertTrue(audited.get(0).get(2).toString().contains("Task/" + uid), audited.get(0).toString());
            }

            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(server.uri("/api/admin/models/cxr-reference/9.9.9/comparison"))
                    .header("Authorization", owner).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, unknown.statusCode(), unknown.body());
            assertTrue(json.readTree(unknown.body()).path("error").asText().contains("no installed version '9.9.9'"), unknown.body());
        }
    }

    private static Set<String> keys(JsonNode findings) {
        Set<String> keys = new TreeSet<>();
        findings.forEach(finding -> keys.add(finding.path("finding").asText()));
        return keys;
    }

    private static void awaitShadow(TriageServer server) throws Exception {
        RolloutModels models = server.context().getBean(RolloutModels.class);
        long start = System.nanoTime();
        while (models.running().stream().noneMatch(running -> running.version().version().equals(FLAGGING)
                && running.version().state() == RolloutState.SHADOW)) {
            if (System.nanoTime() - start > 5_000_000_000L) {
                throw new AssertionError(FLAGGING + " not running as shadow within 5 s: " + models.running());
            }
            Thread.sleep(50);
        }
    }
}
