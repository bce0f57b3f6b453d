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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rollout lifecycle against a running server, driven by the command-line tools as an operator
 * would: two more versions of the reference model installed beside it; a shadow version is recorded
 * without touching priority; a canary decides studies from its calling AE, then all new studies
 * (the Observation's Device names its version over FHIR); the evidence gate refuses, then accepts;
 * rollbacks restore the previous version; every transition is an AuditEvent with its reason.
 */
class ModelRolloutTest {

    /** Flags every study critical, so its decisions show in the worklist. */
    static final String FLAGGING = "2.1.0-flags-all";
    /** Agrees with the reference on every study. */
    static final String AGREEING = "2.2.0-same";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final List<TriageServer> servers = new ArrayList<>();
    private int seed = 40;

    @AfterEach
    void stop() {
        servers.forEach(TriageServer::close);
    }

    @Test
    void shadowRecordsCanaryDecidesGateRefusesThenAcceptsAndRollbackRestores() throws Exception {
        TriageServer server = start(Database.H2, dir.resolve("data"), Map.of());
        String reference = activeVersion(server);
        assertTrue(cli(server, "model", "list").output().contains("not calibrated at this site"));

        assertEquals(0, cli(server, "model", "install", ModelVersions.reference(dir.resolve("v-flag"), FLAGGING, true)
                .toString()).exitCode());
        assertEquals(0, cli(server, "model", "install", ModelVersions.reference(dir.resolve("v-same"), AGREEING, false)
                .toString()).exitCode());
        CliProcess again = cli(server, "model", "install", dir.resolve("v-same").toString());
        assertEquals(1, again.exitCode(), again.output());
        assertTrue(again.output().contains("already"), again.output());
        Files.write(dir.resolve("v-flag/model.onnx"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        CliProcess tampered = cli(server, "model", "install", dir.resolve("v-flag").toString());
        assertEquals(1, tampered.exitCode(), tampered.output());
        assertTrue(tampered.output().contains("model.onnx: SHA-256 is"), "names the file and the field: " + tampered.output());
        assertTrue(Files.isDirectory(server.dataDir().resolve("models/cxr-reference/" + FLAGGING)), "side by side");

        stage(server, FLAGGING, "shadow", "vendor update 2.1, shadow trial");
        stage(server, AGREEING, "shadow", "site candidate, shadow trial");
        awaitRunning(server, FLAGGING, RolloutState.SHADOW);
        awaitRunning(server, AGREEING, RolloutState.SHADOW);

        String first = push(server, "PACS");
        assertEquals(reference, decidingVersion(server, first));
        assertEquals(List.of("routine", Boolean.FALSE), server.query(
                "SELECT priority, critical FROM worklist_item WHERE study_instance_uid = ?", first).get(0),
                "a shadow version never changes priority");
        assertEquals(List.of(Boolean.TRUE, Boolean.TRUE, "shadow"), server.query("""
                SELECT shadow, critical, rollout_role FROM triage_result
                 WHERE study_instance_uid = ? AND model_version = ?""", first, FLAGGING).get(0), "but it is recorded");

        CliProcess early = cli(server, "model", "stage", "cxr-reference", AGREEING, "active", "--reason", "looks good");
        assertEquals(1, early.exitCode(), early.output());
        assertTrue(early.output().contains("too little evidence") && early.output().contains("1 studies scored beside"),
                early.output());

        stage(server, FLAGGING, "canary", "canary on the ED modality only", "--callers", "MODALITY1");
        awaitRunning(server, FLAGGING, RolloutState.CANARY);
        String fromPacs = push(server, "PACS");
        String fromModality = push(server, "MODALITY1");
        assertEquals(reference, decidingVersion(server, fromPacs), "other callers keep the active version");
        assertEquals(FLAGGING, decidingVersion(server, fromModality), "the canary's caller gets the candidate");
        assertEquals(FLAGGING, observationDeviceVersion(server, fromModality));
        assertEquals(reference, observationDeviceVersion(server, fromPacs));

        stage(server, FLAGGING, "canary", "canary widened to every new study", "--percent", "100");
        awaitShare(server, FLAGGING, "100 %");
        String atFullShare = push(server, "PACS");
        assertEquals(FLAGGING, decidingVersion(server, atFullShare));
        assertEquals(FLAGGING, observationDeviceVersion(server, atFullShare));
        assertEquals(FLAGGING, decidingVersion(server, fromModality), "studies already scored keep their result");

        CliProcess disagreeing = cli(server, "model", "stage", "cxr-reference", FLAGGING, "active", "--reason", "promote");
        assertEquals(1, disagreeing.exitCode(), disagreeing.output());
        assertTrue(disagreeing.output().contains("agreement on critical 0/4"), disagreeing.output());

        stage(server, AGREEING, "active", "4 shadow studies in full agreement");
        awaitRunning(server, AGREEING, RolloutState.ACTIVE);
        assertEquals("available", state(server, reference), "the replaced version stays installed");

        assertEquals(0, cli(server, "model", "rollback", "cxr-reference", "--reason", "canary flags too much").exitCode());
        awaitRunning(server, FLAGGING, RolloutState.SHADOW);
        assertEquals(0, cli(server, "model", "rollback", "cxr-reference", "--reason", "back to the vendor's version").exitCode());
        awaitRunning(server, reference, RolloutState.ACTIVE);
        assertEquals("shadow", state(server, AGREEING));
        String afterRollback = push(server, "MODALITY1");
        assertEquals(reference, decidingVersion(server, afterRollback));

        CliProcess forced = cli(server, "model", "stage", "cxr-reference", FLAGGING, "active", "--force", "--reason",
                "vendor recall of the reference, accepted by the safety board");
        assertEquals(0, forced.exitCode(), forced.output());
        assertTrue(forced.output().contains("FORCED"), forced.output());

        String events = http.send(server.as(Role.COMPLIANCE, "/fhir/AuditEvent?entity=" + ModelRollout.device(version(server,
                FLAGGING)) + "&_count=100").build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String expected : List.of("model.install", "model.stage", "model.rollback", "vendor update 2.1, shadow trial",
                "canary on the ED modality only", "canary widened to every new study", "canary flags too much",
                "FORCED; reason: vendor recall of the reference", "too little evidence")) {
            assertTrue(events.contains(expected), expected + " among the AuditEvents of the version");
        }
        Path history = dir.resolve("history.json");
        assertEquals(0, cli(server, "model", "history", "cxr-reference", "--out", history.toString()).exitCode());
        JsonNode exported = json.readTree(history.toFile());
        assertEquals(3, exported.path("versions").size());
        assertTrue(exported.path("changes").size() >= 10, exported.toString());
        assertTrue(exported.toString().contains("\"who\":\"os:"), "who made each change");
    }

    @Test
    void rollbackRestoresThePreviousVersionOnEveryNode() throws Exception {
        Path shared = dir.resolve("shared");
        TriageServer nodeA = start(Database.POSTGRES, shared, Map.of());
        Map<String, Object> sameDatabase = new java.util.HashMap<>();
        for (String key : List.of("datasources.default.url", "datasources.default.username", "datasources.default.password")) {
            sameDatabase.put(key, nodeA.context().getEnvironment().getProperty(key, String.class).orElseThrow());
        }
        TriageServer nodeB = start(Database.POSTGRES, shared, sameDatabase);
        String reference = activeVersion(nodeA);
        assertEquals(0, cli(nodeA, "model", "install", ModelVersions.reference(dir.resolve("v-flag"), FLAGGING, true)
                .toString()).exitCode());
        stage(nodeA, FLAGGING, "active", "emergency switch", "--force");
        long waited = Math.max(awaitRunning(nodeA, FLAGGING, RolloutState.ACTIVE), awaitRunning(nodeB, FLAGGING,
                RolloutState.ACTIVE));
        assertEquals(FLAGGING, decidingVersion(nodeB, push(nodeB, "PACS")));

        assertEquals(0, cli(nodeB, "model", "rollback", "cxr-reference", "--reason", "too many critical flags").exitCode());
        awaitRunning(nodeA, reference, RolloutState.ACTIVE);
        awaitRunning(nodeB, reference, RolloutState.ACTIVE);
        assertEquals(reference, decidingVersion(nodeA, push(nodeA, "PACS")));
        assertEquals(reference, decidingVersion(nodeB, push(nodeB, "PACS")));
        assertEquals("shadow", state(nodeA, FLAGGING));
        System.out.printf("rollout: both nodes followed the activation within %d ms%n", waited);
    }

    private TriageServer start(Database database, Path data, Map<String, Object> extra) {
        Map<String, Object> properties = new java.util.HashMap<>(Map.of("triage.rollout.min-shadow-studies", "2",
                "triage.rollout.poll", "500ms"));
        properties.putAll(extra);
        TriageServer server = TriageServer.start(database, data, properties);
        servers.add(server);
        return server;
    }

    private CliProcess cli(TriageServer server, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", server.dataDir().toString()));
        Map<String, String> environment = new java.util.HashMap<>(server.databaseEnvironment());
        environment.put("TRIAGE_ROLLOUT_MIN_SHADOW_STUDIES", "2");
        return CliProcess.runWith(environment, null, all.toArray(String[]::new));
    }

    private void stage(TriageServer server, String version, String state, String reason, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("model", "stage", "cxr-reference", version, state, "--reason", reason));
        args.addAll(List.of(options));
        CliProcess result = cli(server, args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.output());
    }

    /** Waits until the server runs the version in that state; fails after 5 s. Returns the milliseconds waited. */
    private long awaitRunning(TriageServer server, String version, RolloutState state) throws Exception {
        RolloutModels models = server.context().getBean(RolloutModels.class);
        long start = System.nanoTime();
        while (models.running().stream().noneMatch(running -> running.version().version().equals(version)
                && running.version().state() == state)) {
            if (System.nanoTime() - start > 5_000_000_000L) {
                throw new AssertionError(version + " not running as " + state + " within 5 s: " + models.running()
                        + " " + models.problems());
            }
            Thread.sleep(50);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private void awaitShare(TriageServer server, String version, String share) throws Exception {
        RolloutModels models = server.context().getBean(RolloutModels.class);
        long start = System.nanoTime();
        while (models.running().stream().noneMatch(running -> running.version().version().equals(version)
                && running.version().share().equals(share))) {
            if (System.nanoTime() - start > 5_000_000_000L) {
                throw new AssertionError(version + " share not " + share + " within 5 s: " + models.running());
            }
            Thread.sleep(50);
        }
    }

    /** Pushes one normal study from {@code callingAe} and waits until it is scored; returns its UID. */
    private String push(TriageServer server, String callingAe) throws Exception {
        PythonPhantoms.Study study = PythonPhantoms.study(dir, "study-" + seed, "none", seed++);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", callingAe, List.of(study.file())).allSucceeded(1));
        server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ? AND current_result_id IS NOT NULL",
                study.studyInstanceUid());
        return study.studyInstanceUid();
    }

    private static String decidingVersion(TriageServer server, String studyUid) throws Exception {
        return (String) server.query("""
                SELECT r.model_version FROM worklist_item w JOIN triage_result r ON r.id = w.current_result_id
                 WHERE w.study_instance_uid = ?""", studyUid).get(0).get(0);
    }

    /** The version of the Device the study's first Observation names, read over FHIR. */
    private String observationDeviceVersion(TriageServer server, String studyUid) throws Exception {
        long finding = ((Number) server.query("""
                SELECT MIN(f.id) FROM worklist_item w JOIN finding_result f ON f.result_id = w.current_result_id
                 WHERE w.study_instance_uid = ?""", studyUid).get(0).get(0)).longValue();
        JsonNode observation = json.readTree(http.send(server.as(Role.INTEGRATION, "/fhir/Observation/f" + finding)
                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString()).body());
        String device = observation.path("device").path("reference").asText();
        HttpResponse<String> read = http.send(server.as(Role.INTEGRATION, "/fhir/" + device)
                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, read.statusCode(), device + ": " + read.body());
        return json.readTree(read.body()).path("version").get(0).path("value").asText();
    }

    private static String activeVersion(TriageServer server) throws Exception {
        return (String) server.query("SELECT version FROM model_version WHERE model_id = 'cxr-reference' AND state = 'active'")
                .get(0).get(0);
    }

    private static String state(TriageServer server, String version) throws Exception {
        return (String) server.query("SELECT state FROM model_version WHERE version = ?", version).get(0).get(0);
    }

    private static ModelVersion version(TriageServer server, String version) throws Exception {
        return server.context().getBean(ModelRollout.class).find("cxr-reference", version).orElseThrow();
    }
}
