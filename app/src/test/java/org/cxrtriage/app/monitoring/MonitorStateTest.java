package org.cxrtriage.app.monitoring;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.app.triage.AiSuspension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared status's state machine on a real database: each status change and each suspension and
 * its end audited once, an older evaluation ignored, an acknowledgement lifting the suspension until
 * a signal alarms that it does not cover, and concurrent evaluations (two nodes) changing the status
 * and writing its audit record once.
 */
class MonitorStateTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Database.class)
    void statusSuspensionAndAcknowledgementMoveAsDocumentedAndAreAuditedOnce(Database database) throws Exception {
        try (TriageServer server = TriageServer.start(database, dir.resolve("data"), Map.of("triage.workers.count", 0,
                "triage.monitor.poll", "1h", "triage.monitor.stop-rule", "suspend"))) {
            server.awaitCount(1, "SELECT COUNT(*) FROM monitor_status WHERE evaluated_at IS NOT NULL");
            MonitorState state = server.context().getBean(MonitorState.class);
            PopulationMonitor monitor = server.context().getBean(PopulationMonitor.class);
            AiSuspension suspension = server.context().getBean(AiSuspension.class);
            Instant t = Instant.now().plusSeconds(10).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

            state.apply(evaluation(t, "warning", List.of()), "node-a", true);
            assertEquals(MonitorStatus.WARNING, state.read().status());
            MonitorState.Row alarm = state.apply(evaluation(t.plusSeconds(2), "alarm", List.of("unreliableRate")), "node-a", true);
            assertTrue(alarm.suspended());
            assertTrue(alarm.suspensionReason().startsWith("monitoring alarm: unreliableRate is at alarm"), alarm.suspensionReason());
            monitor.refresh();
            assertTrue(suspension.reason().isPresent(), "this node's pipeline is suspended");

            MonitorState.Row stale = state.apply(evaluation(t.plusSeconds(1), "ok", List.of()), "node-b", true);
            assertEquals(MonitorStatus.ALARM, stale.status(), "an older evaluation changes nothing");

            assertEquals(MonitorState.Acknowledged.ACKNOWLEDGED, state.acknowledge("admin", "detector recalibrated", "10.0.0.1"));
            MonitorState.Row acknowledged = state.apply(evaluation(t.plusSeconds(3), "alarm", List.of("unreliableRate")), "node-a", true);
            assertFalse(acknowledged.suspended(), "the acknowledgement covers the same alarm");
            assertEquals(List.of("unreliableRate"), acknowledged.acknowledgement().orElseThrow().signals());
            monitor.refresh();
            assertTrue(suspension.reason().isEmpty());

            MonitorState.Row again = state.apply(evaluation(t.plusSeconds(4), "alarm", List.of("unreliableRate", "header.manufacturer")),
                    "node-b", true);
            assertTrue(again.suspended(), "a new alarm signal suspends again");
            assertTrue(again.acknowledgement().isEmpty());

            MonitorState.Row cleared = state.apply(evaluation(t.plusSeconds(5), "ok", List.of()), "node-a", true);
            assertFalse(cleared.suspended());
            assertEquals(MonitorState.Acknowledged.NO_ALARM, state.acknowledge("admin", "nothing to acknowledge", "10.0.0.1"));
            assertFalse(state.apply(evaluation(t.plusSeconds(6), "alarm", List.of("unreliableRate")), "node-a", false).suspended(),
                    "with the stop rule warn an alarm suspends nothing");

            assertEquals(List.of("monitor.warning", "monitor.alarm", "monitor.suspend", "monitor.acknowledge", "monitor.resume",
                            "monitor.suspend", "monitor.clear", "monitor.resume", "monitor.alarm"),
                    server.query("SELECT action FROM audit_record WHERE action LIKE 'monitor.%' ORDER BY sequence").stream()
                            .map(row -> (String) row.get(0)).toList());
            assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'monitor.acknowledge' AND actor = 'admin'"
                    + " AND actor_type = 'USER' AND details LIKE '%detector recalibrated%'"));
            assertEquals(9, server.count("SELECT COUNT(*) FROM monitor_event"));
            assertEquals(1, server.count("SELECT COUNT(*) FROM monitor_day"), "one row per day");
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void nodesEvaluatingAtOnceChangeTheStatusAndAuditItOnce(Database database) throws Exception {
        try (TriageServer server = TriageServer.start(database, dir.resolve("data"), Map.of("triage.workers.count", 0,
                "triage.monitor.poll", "1h"))) {
            server.awaitCount(1, "SELECT COUNT(*) FROM monitor_status WHERE evaluated_at IS NOT NULL");
            MonitorState state = server.context().getBean(MonitorState.class);
            Instant t = Instant.now().plusSeconds(10).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            ExecutorService nodes = Executors.newFixedThreadPool(4);
            try {
                List<Callable<MonitorState.Row>> evaluations = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Evaluation evaluation = evaluation(t.plusMillis(i), "alarm", List.of("unreliableRate"));
                    evaluations.add(() -> state.apply(evaluation, "node", false));
                }
                for (Future<MonitorState.Row> done : nodes.invokeAll(evaluations)) {
                    assertEquals(MonitorStatus.ALARM, done.get().status());
                }
            } finally {
                nodes.shutdown();
            }
            assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'monitor.alarm'"));
            assertEquals(1, server.count("SELECT COUNT(*) FROM monitor_event WHERE kind = 'status'"));
            assertEquals(t.plusMillis(7), state.read().evaluatedAt().orElseThrow(), "the newest evaluation is the one kept");
        }
    }

    /** An evaluation whose only non-ok signals are {@code alarms} (at alarm) or one warning. */
    static Evaluation evaluation(Instant at, String status, List<String> alarms) {
        List<DriftSignal> signals = new ArrayList<>();
        for (String name : alarms) {
            signals.add(new DriftSignal(name, "rate", "threshold", "alarm", true, 0.5, null, 0.5, 40L, null, 20L, 0.5, null, null, null,
                    null, null, name + " is at alarm"));
        }
        if (status.equals("warning")) {
            signals.add(new DriftSignal("input.geometry.rows", "ks", "profile", "warning", true, 0.3, 1e-5, 0.3, 40L, 1500L, null, null,
                    null, null, null, null, null, "geometry.rows drifted"));
        }
        List<String> reasons = signals.stream().map(DriftSignal::reason).toList();
        return new Evaluation(status, reasons, at.toString(), 1, null, null, signals.size(), null, signals,
                FeedbackPerformance.of(List.of(), List.of(), 0.15, 100), List.of(), 0, 0);
    }
}
