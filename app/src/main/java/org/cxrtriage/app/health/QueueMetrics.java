package org.cxrtriage.app.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import org.cxrtriage.app.assembly.StudyState;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.triage.JobQueue;
import org.cxrtriage.app.triage.JobWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.function.ToDoubleFunction;

/**
 * Queue depth on /prometheus, read from the shared database so every node reports the same:
 * {@code triage_studies_receiving}, {@code triage_jobs{state=queued|running|stranded}} and
 * {@code triage_oldest_queued_seconds}. Read at most every 5 seconds however often it is scraped.
 */
@Context
public final class QueueMetrics {

    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);
    private static final Duration FRESH = Duration.ofSeconds(5);

    private record Depth(long receiving, JobQueue.Backlog backlog, Instant readAt) {
    }

    private final Sql sql;
    private final JobQueue queue;
    private final JobWorker workers;
    private volatile Depth depth;

    public QueueMetrics(MeterRegistry meters, Sql sql, JobQueue queue, JobWorker workers) {
        this.sql = sql;
        this.queue = queue;
        this.workers = workers;
        gauge(meters, "triage.studies.receiving", "studies whose instances are still arriving", d -> d.receiving());
        gauge(meters, "triage.jobs", "triage jobs waiting for a worker", d -> d.backlog().queued(), "state", "queued");
        gauge(meters, "triage.jobs", "triage jobs a worker holds", d -> d.backlog().running(), "state", "running");
        gauge(meters, "triage.jobs", "triage jobs that could not store any result", d -> d.backlog().stranded(),
                "state", "stranded");
        gauge(meters, "triage.oldest.queued.seconds", "how long the oldest waiting job has waited",
                d -> d.backlog().oldestQueued().map(at -> Duration.between(at, d.readAt()).toMillis() / 1000.0).orElse(0.0));
    }

    private void gauge(MeterRegistry meters, String name, String description, ToDoubleFunction<Depth> value,
                       String... tags) {
        Gauge.builder(name, this, self -> {
            Depth now = self.current();
            return now == null ? Double.NaN : value.applyAsDouble(now);
        }).description(description).tags(tags).register(meters);
    }

    private Depth current() {
        Depth known = depth;
        Instant now = Instant.now();
        if (known != null && known.readAt().plus(FRESH).isAfter(now)) {
            return known;
        }
        try {
            long receiving = sql.queryOne("SELECT COUNT(*) FROM study WHERE status = ?", row -> row.getLong(1),
                    StudyState.RECEIVING.name()).orElse(0L);
            depth = new Depth(receiving, queue.backlog(now, workers.maxClaims()), now);
        } catch (Exception e) {
            log.warn("could not read the queue depth for /prometheus: {}", org.cxrtriage.app.triage.SafeErrors.describe(e));
            depth = null;
        }
        return depth;
    }
}
