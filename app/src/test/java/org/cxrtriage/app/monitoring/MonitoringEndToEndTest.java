package org.cxrtriage.app.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #13 end to end: studies from the reference model's own training distribution keep the
 * status ok with almost no unreliable verdicts; studies with an inverted grey scale are refused by
 * the verdict, the unreliable rate raises an alarm, the stop rule suspends AI triage (a pneumothorax
 * no longer raises priority, its scores are still stored and labelled), the change is audited once,
 * and /api/monitoring, /prometheus, /health and the banner agree. An administrator's
 * acknowledgement lifts the suspension. On H2, and on PostgreSQL with two nodes sharing the
 * database and the data directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringEndToEndTest {

    private static final int IN_DISTRIBUTION = 24;
    private static final int SHIFTED = 16;
    private static final Map<String, Object> SETTINGS = Map.of("triage.monitor.min-studies", 20,
            "triage.monitor.stop-rule", "suspend", "triage.monitor.poll", "1s");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private Path dir;
    private List<Path> inDistribution;
    private List<Path> shifted;
    private PythonPhantoms.Study pneumothoraxWhileSuspended;
    private PythonPhantoms.Study pneumothoraxAfterAcknowledgement;

    @BeforeAll
    void makeStudies() throws Exception {
        dir = Files.createTempDirectory("monitoring-e2e");
        long start = System.nanoTime();
        List<Path> all = PythonPhantoms.inDistribution(dir, "in-distribution", IN_DISTRIBUTION + SHIFTED, 1301).stream()
                .map(PythonPhantoms.Study::file).toList();
        inDistribution = all.subList(0, IN_DISTRIBUTION);
        List<String> invert = new ArrayList<>(List.of(Path.of("src", "test", "resources", "monitoring", "invert.py")
                .toAbsolutePath().toString(), "--out", dir.resolve("inverted").toString()));
        all.subList(IN_DISTRIBUTION, all.size()).forEach(file -> invert.add(file.toString()));
        PythonPhantoms.run(invert.toArray(String[]::new));
        try (Stream<Path> files = Files.list(dir.resolve("inverted"))) {
            shifted = files.sorted().toList();
        }
        pneumothoraxWhileSuspended = PythonPhantoms.study(dir, "pneumothorax-1", "pneumothorax", 1302);
        pneumothoraxAfterAcknowledgement = PythonPhantoms.study(dir, "pneumothorax-2", "pneumothorax", 1303);
        System.out.printf("monitoring end-to-end: %d + %d studies written in %.1f s%n", inDistribution.size(), shifted.size(),
                (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    void removeStudies() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void shiftedStudiesRaiseAnAlarmThatSuspendsAiTriageUntilAcknowledged() throws Exception {
        long start = System.nanoTime();
        try (TriageServer server = TriageServer.start(Database.H2, dir.resolve("h2-data"), SETTINGS)) {
            push(server, inDistribution);
            JsonNode quiet = evaluated(List.of(server), IN_DISTRIBUTION);
            assertEquals("ok", quiet.get("status").asText(), quiet.get("reasons").toString());
            assertTrue(server.count("SELECT COUNT(*) FROM worklist_item WHERE business_status = 'unreliable'") <= 2,
                    "almost no in-distribution study is unreliable");
            assertEquals(0, server.count("SELECT COUNT(*) FROM audit_record WHERE action LIKE 'monitor.%'"));

            push(server, shifted);
            JsonNode alarm = evaluated(List.of(server), IN_DISTRIBUTION + SHIFTED);
            assertEquals("alarm", alarm.get("status").asText());
            JsonNode unreliable = signal(alarm, "unreliableRate");
            assertEquals("alarm", unreliable.get("level").asText());
            assertTrue(unreliable.get("events").asLong() >= SHIFTED - 1, unreliable.toString());
            assertEquals(IN_DISTRIBUTION + SHIFTED, unreliable.get("count").asLong());
            assertTrue(alarm.get("reasons").toString().contains("unreliable rate"), alarm.get("reasons").toString());
            assertTrue(alarm.get("suspended").asBoolean());
            assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'monitor.alarm'"));
            assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'monitor.suspend'"));
            noPatientData(get(server, Role.COMPLIANCE, "/api/monitoring").body());
            metricsAgree(server, alarm);
            JsonNode health = JSON.readTree(get(server, null, "/health").body());
            assertEquals("DEGRADED", health.get("status").asText());
            assertTrue(health.at("/details/monitoring/details/aiTriage").asText().startsWith("suspended: monitoring alarm"),
                    health.toString());
            assertTrue(JSON.readTree(get(server, Role.RADIOLOGIST, "/api/monitoring/banner").body()).get("suspended").asBoolean());

            push(server, List.of(pneumothoraxWhileSuspended.file()));
            String suspended = pneumothoraxWhileSuspended.studyInstanceUid();
            server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?", suspended);
            assertEquals(List.of("suspended", "routine"), server.query("SELECT business_status, priority FROM worklist_item"
                    + " WHERE study_instance_uid = ?", suspended).get(0));
            assertTrue(((String) server.query("SELECT reason FROM worklist_item WHERE study_instance_uid = ?", suspended).get(0).get(0))
                    .startsWith("AI triage suspended: monitoring alarm: unreliable rate"));
            assertEquals(1, server.count("SELECT COUNT(*) FROM finding_result f JOIN triage_result r ON r.id = f.result_id"
                    + " WHERE r.study_instance_uid = ? AND f.finding_key = 'pneumothorax' AND f.positive", suspended),
                    "the scores are still computed and stored: the AI would have raised it");
            evaluated(List.of(server), IN_DISTRIBUTION + SHIFTED + 1);

            assertEquals(403, post(server, Role.RADIOLOGIST, "/api/monitoring/acknowledge", "{\"reason\":\"seen\"}").statusCode());
            assertEquals(400, post(server, Role.ADMIN, "/api/monitoring/acknowledge", "{\"reason\":\" \"}").statusCode());
            HttpResponse<String> acknowledged = post(server, Role.ADMIN, "/api/monitoring/acknowledge",
                    "{\"reason\":\"a test sender pushed inverted images; it is switched off\"}");
            assertEquals(200, acknowledged.statusCode(), acknowledged.body());
            assertFalse(JSON.readTree(acknowledged.body()).get("suspended").asBoolean());
            assertFalse(JSON.readTree(get(server, Role.RADIOLOGIST, "/api/monitoring/banner").body()).get("suspended").asBoolean());
            assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'monitor.acknowledge' AND actor = 'admin'"
                    + " AND details LIKE '%switched off%'"));
            assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'monitor.resume'"));

            push(server, List.of(pneumothoraxAfterAcknowledgement.file()));
            String resumed = pneumothoraxAfterAcknowledgement.studyInstanceUid();
            server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?", resumed);
            assertEquals(List.of("scored", "asap"), server.query("SELECT business_status, priority FROM worklist_item"
                    + " WHERE study_instance_uid = ?", resumed).get(0), "after the acknowledgement the AI raises priority again");
            assertEquals("DEGRADED", JSON.readTree(get(server, null, "/health").body()).get("status").asText(),
                    "the acknowledged alarm still stands");

            JsonNode history = JSON.readTree(get(server, Role.COMPLIANCE, "/api/monitoring/history?days=7").body());
            JsonNode today = history.get("days").get(6);
            assertEquals(IN_DISTRIBUTION + SHIFTED + 2, today.get("studies").asLong(), today.toString());
            assertEquals("alarm", today.get("worstStatus").asText());
            assertTrue(history.get("events").toString().contains("acknowledged"), history.get("events").toString());
            System.out.printf("monitoring end-to-end on H2: %.1f s; last evaluation took %d ms%n", (System.nanoTime() - start) / 1e9,
                    JSON.readTree(get(server, Role.ADMIN, "/api/monitoring").body()).get("evaluationMillis").asLong());
        }
    }

    @Test
    void twoNodesOnPostgresServeOneStatusAndAuditEachChangeOnce() throws Exception {
        long start = System.nanoTime();
        Path data = dir.resolve("shared-data");
        Map<String, Object> settings = new HashMap<>(SETTINGS);
        settings.putAll(Database.POSTGRES.freshDatabase(data));
        try (TriageServer a = TriageServer.start(Database.POSTGRES, data, settings);
             TriageServer b = TriageServer.start(Database.POSTGRES, data, settings)) {
            List<TriageServer> nodes = List.of(a, b);
            push(a, inDistribution.subList(0, IN_DISTRIBUTION / 2));
            push(b, inDistribution.subList(IN_DISTRIBUTION / 2, IN_DISTRIBUTION));
            assertEquals("ok", evaluated(nodes, IN_DISTRIBUTION).get("status").asText());

            push(a, shifted.subList(0, SHIFTED / 2));
            push(b, shifted.subList(SHIFTED / 2, SHIFTED));
            evaluated(nodes, IN_DISTRIBUTION + SHIFTED);
            JsonNode fromA = JSON.readTree(get(a, Role.INTEGRATION, "/api/monitoring").body());
            JsonNode fromB = JSON.readTree(get(b, Role.INTEGRATION, "/api/monitoring").body());
            assertEquals("alarm", fromA.get("status").asText());
            assertEquals(fromA, fromB, "both nodes serve the same status and evaluation");
            assertEquals(1, a.count("SELECT COUNT(*) FROM audit_record WHERE action = 'monitor.alarm'"), "audited once");
            assertEquals(1, a.count("SELECT COUNT(*) FROM audit_record WHERE action = 'monitor.suspend'"));
            for (TriageServer node : nodes) {
                metricsAgree(node, fromA);
                awaitBody(node, Role.RADIOLOGIST, "/api/monitoring/banner", body -> body.get("suspended").asBoolean());
            }
            System.out.printf("monitoring end-to-end, two nodes on PostgreSQL: %.1f s%n", (System.nanoTime() - start) / 1e9);
        }
    }

    private static void push(TriageServer server, List<Path> files) throws Exception {
        Dcmtk.StoreRun run = Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", files);
        assertTrue(run.allSucceeded(files.size()), run.output());
    }

    /**
     * Waits until every node's worklist holds {@code studies} items and an evaluation has seen the
     * newest result; returns /api/monitoring of the first node.
     */
    private JsonNode evaluated(List<TriageServer> nodes, int studies) throws Exception {
        TriageServer first = nodes.get(0);
        first.awaitCount(studies, "SELECT COUNT(*) FROM worklist_item WHERE business_status <> 'error'");
        first.awaitCount(1, "SELECT COUNT(*) FROM monitor_status WHERE newest_result_id >= (SELECT MAX(id) FROM triage_result)");
        return JSON.readTree(get(first, Role.ADMIN, "/api/monitoring").body());
    }

    /** /prometheus says what /api/monitoring says (within a poll interval, each node reads the shared row). */
    private void metricsAgree(TriageServer server, JsonNode monitoring) throws Exception {
        double unreliable = signal(monitoring, "unreliableRate").get("rate").asDouble();
        double positive = signal(monitoring, "positiveRate.pneumothorax").get("rate").asDouble();
        int status = List.of("ok", "warning", "alarm").indexOf(monitoring.get("status").asText());
        long deadline = System.nanoTime() + 15_000_000_000L;
        Map<String, Double> metrics = Map.of();
        while (System.nanoTime() < deadline) {
            metrics = prometheus(get(server, Role.ADMIN, "/prometheus").body());
            if (Optional.ofNullable(metrics.get("triage_drift_status")).orElse(-1.0) == status
                    && Math.abs(metrics.getOrDefault("triage_unreliable_ratio", -1.0) - unreliable) < 1e-9) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(status, metrics.get("triage_drift_status"), metrics.toString());
        assertEquals(unreliable, metrics.get("triage_unreliable_ratio"), 1e-9);
        assertEquals(unreliable, metrics.get("triage_drift_statistic{signal=\"unreliableRate\"}"), 1e-9);
        assertEquals(positive, metrics.get("triage_positive_ratio{finding=\"pneumothorax\"}"), 1e-9);
        assertTrue(metrics.containsKey("triage_feedback_agreement_ratio{finding=\"pneumothorax\"}"), metrics.keySet().toString());
    }

    private static Map<String, Double> prometheus(String body) {
        Map<String, Double> values = new HashMap<>();
        body.lines().filter(line -> line.startsWith("triage_")).forEach(line -> {
            int space = line.lastIndexOf(' ');
            values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        });
        return values;
    }

    private static JsonNode signal(JsonNode monitoring, String name) {
        for (JsonNode signal : monitoring.get("signals")) {
            if (signal.get("name").asText().equals(name)) {
                return signal;
            }
        }
        throw new AssertionError("no signal " + name + " in " + monitoring.get("signals"));
    }

    /** Neither a patient's name, ID or accession number (the phantoms' are CAL..., INV...) nor a study UID. */
    private void noPatientData(String body) {
        for (String marker : List.of("PHANTOM", "CALPAT", "CAL0", "INV0", "PatientName", "1.2.826.0.1.3680043")) {
            assertFalse(body.contains(marker), "/api/monitoring holds " + marker + ": " + body);
        }
    }

    private void awaitBody(TriageServer server, Role role, String path, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        JsonNode body;
        do {
            body = JSON.readTree(get(server, role, path).body());
            if (condition.test(body)) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(path + " did not reach the expected state: " + body);
    }

    private HttpResponse<String> get(TriageServer server, Role role, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path));
        if (role != null) {
            request.header("Authorization", server.basic(role));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(TriageServer server, Role role, String path, String json) throws Exception {
        return http.send(server.as(role, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
