package org.cxrtriage.app.triage.rollout;

import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.monitoring.CanaryDisagreement;
import org.cxrtriage.app.support.CliProcess;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ModelVersions;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The canary's disagreement CUSUM as a stop rule, end to end: studies pushed with storescu are
 * scored by a canary at 100 % and by the active version beside it. A canary that calls every study
 * critical disagrees with the reference on every normal study; after ⌈h / ln 2⌉ of them its CUSUM
 * reaches h and it goes back to shadow by itself, audited with S, h and the counts. Population
 * drift cannot be the cause: TRIAGE_MONITOR_MIN_STUDIES (50) is never reached. A canary that agrees
 * stays canary over as many studies.
 */
class CanaryDisagreementRollbackTest {

    private static final String FLAGGING = ModelRolloutTest.FLAGGING;
    private static final String AGREEING = ModelRolloutTest.AGREEING;

    @TempDir
    Path dir;

    private int seed = 300;

    @ParameterizedTest
    @EnumSource(Database.class)
    void aCanaryThatDisagreesOnEveryStudyGoesBackToShadowByItself(Database database) throws Exception {
        int needed = studiesToAlarm();
        try (TriageServer server = start(database)) {
            stageCanary(server, ModelVersions.reference(dir.resolve("v-flag"), FLAGGING, true), FLAGGING);
            long started = 0;
            for (int i = 1; i <= needed; i++) {
                assertEquals("canary", state(server, FLAGGING), "still canary before study " + i + " of " + needed);
                push(server);
                started = System.nanoTime();
            }
            server.awaitCount(1, "SELECT COUNT(*) FROM model_version WHERE version = ? AND state = 'shadow'", FLAGGING);
            long millis = (System.nanoTime() - started) / 1_000_000;

            List<List<Object>> audit = server.query("SELECT actor, details FROM audit_record"
                    + " WHERE action = 'model.auto-rollback'");
            assertEquals(1, audit.size(), "rolled back once: " + audit);
            String details = (String) audit.get(0).get(1);
            assertTrue(details.contains("canary -> shadow") && details.contains("disagreement CUSUM S = ")
                    && details.contains(" reached h = ") && details.contains("disagree about critical on " + needed + " of "
                    + needed + " studies"), details);
            assertTrue(!details.contains("unreliable rate"), "the CUSUM alone sent it back: " + details);
            List<Object> event = server.query("SELECT actor, reason, to_state FROM model_version_event"
                    + " WHERE action = 'model.auto-rollback' AND version = ?", FLAGGING).get(0);
            assertEquals("shadow", event.get(2));
            assertTrue(((String) event.get(1)).contains("disagreement CUSUM"), event.toString());

            String after = push(server);
            assertEquals(List.of(Boolean.FALSE, "routine"), server.query("""
                    SELECT r.critical, w.priority FROM worklist_item w JOIN triage_result r ON r.id = w.current_result_id
                     WHERE w.study_instance_uid = ?""", after).get(0), "the active version decides again");
            System.out.printf("canary disagreement CUSUM (%s): back to shadow %d ms after the %d-th disagreeing study%n",
                    database, millis, needed);
        }
    }

    @Test
    void aCanaryThatAgreesStaysCanary() throws Exception {
        int studies = studiesToAlarm() + 2;
        try (TriageServer server = start(Database.H2)) {
            stageCanary(server, ModelVersions.reference(dir.resolve("v-same"), AGREEING, false), AGREEING);
            for (int i = 0; i < studies; i++) {
                push(server);
            }
            Thread.sleep(3_000);
            assertEquals("canary", state(server, AGREEING), "no disagreement, no rollback");
            ModelVersion canary = server.context().getBean(ModelRollout.class).find("cxr-reference", AGREEING).orElseThrow();
            List<CanaryDisagreement.Pair> pairs = CanaryDisagreement.pairs(server.context().getBean(Sql.class), canary);
            assertEquals(studies, pairs.size(), "the guard had every study to judge");
            assertTrue(pairs.stream().allMatch(pair -> pair.canaryCritical() == pair.activeCritical()), pairs.toString());
            assertEquals(0, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'model.auto-rollback'"));
        }
    }

    /** ⌈h / ln 2⌉ for the default rate 0.05 and ARL0 1000: disagreements in a row that reach h from S = 0. */
    private static int studiesToAlarm() {
        return (int) Math.ceil(new CanaryDisagreement(0.05, 1000).threshold().threshold() / Math.log(2));
    }

    private TriageServer start(Database database) {
        return TriageServer.start(database, dir.resolve("data-" + database), Map.of("triage.monitor.poll", "1s",
                "triage.rollout.poll", "500ms"));
    }

    private void stageCanary(TriageServer server, Path model, String version) throws Exception {
        CliProcess install = cli(server, "model", "install", model.toString());
        assertEquals(0, install.exitCode(), install.output());
        CliProcess stage = cli(server, "model", "stage", "cxr-reference", version, "canary", "--percent", "100",
                "--reason", "vendor candidate at full share");
        assertEquals(0, stage.exitCode(), stage.output());
        RolloutModels models = server.context().getBean(RolloutModels.class);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (models.running().stream().noneMatch(running -> running.version().version().equals(version)
                && running.version().state() == RolloutState.CANARY)) {
            assertTrue(System.nanoTime() < deadline, version + " not running as canary within 5 s: " + models.running());
            Thread.sleep(50);
        }
    }

    private CliProcess cli(TriageServer server, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", server.dataDir().toString()));
        return CliProcess.runWith(server.databaseEnvironment(), null, all.toArray(String[]::new));
    }

    private String push(TriageServer server) throws Exception {
        PythonPhantoms.Study study = PythonPhantoms.study(dir, "study-" + seed, "none", seed++);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(study.file())).allSucceeded(1));
        server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ? AND current_result_id IS NOT NULL",
                study.studyInstanceUid());
        return study.studyInstanceUid();
    }

    private static String state(TriageServer server, String version) throws Exception {
        return (String) server.query("SELECT state FROM model_version WHERE version = ?", version).get(0).get(0);
    }
}
