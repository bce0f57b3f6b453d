package org.cxrtriage.app.monitoring;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.cxrtriage.app.config.MonitorConfig;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.triage.AiSuspension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Population monitoring's own thread on each node, beside the pipeline and never on its path: every
 * poll interval it reads the shared status (and applies its suspension to this node's
 * {@link AiSuspension}), and evaluates again when a result or a feedback newer than the last
 * evaluation exists, or when the last evaluation is older than the interval. Whichever node
 * evaluates, the status row holds the result, so every node serves the same status.
 */
@Context
public final class PopulationMonitor {

    private static final Logger log = LoggerFactory.getLogger(PopulationMonitor.class);

    private final MonitoringEvaluator evaluator;
    private final MonitorState state;
    private final Sql sql;
    private final AiSuspension suspension;
    private final MonitorConfig config;
    private final MonitoringMetrics metrics;
    private final String node;
    private final Thread thread;
    private volatile MonitorView view;
    private volatile boolean running = true;
    private final Object wake = new Object();

    public PopulationMonitor(MonitoringEvaluator evaluator, MonitorState state, Sql sql, AiSuspension suspension,
                             MonitorConfig config, MonitoringMetrics metrics) {
        this.evaluator = evaluator;
        this.state = state;
        this.sql = sql;
        this.suspension = suspension;
        this.config = config;
        this.metrics = metrics;
        this.node = "monitor@" + hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            show(read(null));
        } catch (SQLException | RuntimeException e) {
            log.warn("population monitoring could not read its status at start: {}", e.toString().replaceAll("[\\r\\n]+", " "));
        }
        this.thread = new Thread(this::loop, "population-monitor");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
        log.info("population monitoring started as {} (window {}, at least {} studies, stop rule {})", node, config.window(),
                config.minStudies(), config.stopRule());
    }

    /** The status as this node last read it; empty until the first read. */
    public Optional<MonitorView> view() {
        return Optional.ofNullable(view);
    }

    /** Reads the shared status again at once (after an acknowledgement on this node, say). */
    public MonitorView refresh() throws SQLException {
        MonitorView current = read(view);
        show(current);
        return current;
    }

    private void loop() {
        sleep(Duration.ofSeconds(1));
        while (running) {
            try {
                tick();
            } catch (SQLException | RuntimeException e) {
                log.warn("population monitoring could not evaluate: {}", e.toString().replaceAll("[\\r\\n]+", " "));
            }
            sleep(config.poll());
        }
    }

    private void tick() throws SQLException {
        MonitorView current = read(view);
        show(current);
        long newestResult = newest("triage_result");
        long newestFeedback = newest("finding_feedback");
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        MonitorState.Row row = current.row();
        boolean due = newestResult > row.newestResultId() || newestFeedback > row.newestFeedbackId()
                || row.evaluatedAt().map(at -> !at.plus(config.interval()).isAfter(now)).orElse(true);
        if (!due) {
            return;
        }
        Evaluation evaluation = evaluator.evaluate(now, newestResult, newestFeedback);
        metrics.evaluated(evaluation.millis());
        MonitorState.Row after = state.apply(evaluation, node, config.suspends());
        if (after.status() != row.status()) {
            log.info("population monitoring status {} -> {}{}", row.status().code(), after.status().code(),
                    evaluation.reasons().isEmpty() ? "" : ": " + String.join("; ", evaluation.reasons()));
        }
        show(read(current));
    }

    /** The status row, and the evaluation when it is not the one already held. */
    private MonitorView read(MonitorView previous) throws SQLException {
        MonitorState.Row row = state.read();
        if (previous != null && previous.row().evaluatedAt().equals(row.evaluatedAt())) {
            return new MonitorView(row, previous.evaluation());
        }
        return new MonitorView(row, state.evaluation());
    }

    private void show(MonitorView current) {
        view = current;
        suspension.set(current.suspension());
        metrics.show(current);
    }

    private long newest(String table) throws SQLException {
        return sql.queryOne("SELECT COALESCE(MAX(id), 0) FROM " + table, r -> r.getLong(1)).orElse(0L);
    }

    /** Waits, without interrupts: an interrupted thread inside H2 would close its database file. */
    private void sleep(Duration duration) {
        synchronized (wake) {
            try {
                if (running) {
                    wake.wait(duration.toMillis());
                }
            } catch (InterruptedException e) {
                running = false;
                Thread.currentThread().interrupt();
            }
        }
    }

    @PreDestroy
    void stop() {
        synchronized (wake) {
            running = false;
            wake.notifyAll();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "node";
        }
    }
}
