package org.cxrtriage.app.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.cxrtriage.app.triage.JobQueue;
import org.cxrtriage.app.triage.JobWorker;
import org.cxrtriage.app.triage.SafeErrors;
import org.reactivestreams.Publisher;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health} entry "triageWorkers": the worker threads (DOWN while one is dead; it is
 * restarted within a second) and the job backlog: jobs queued and running, how long the oldest
 * has waited, when the last study was triaged, and stranded jobs (DEGRADED: a study whose result,
 * even its failure record, could not be stored, and which is therefore on no worklist).
 */
@Singleton
public final class TriageWorkersHealth implements HealthIndicator {

    private final JobWorker workers;
    private final JobQueue queue;

    public TriageWorkersHealth(JobWorker workers, JobQueue queue) {
        this.workers = workers;
        this.queue = queue;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        JobWorker.WorkerState state = workers.state();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("configured", state.configured());
        details.put("alive", state.alive());
        details.put("restarts", state.restarts());
        if (!state.lastDeath().isEmpty()) {
            details.put("lastDeath", state.lastDeath());
        }
        HealthStatus status = state.alive() < state.configured() ? HealthStatus.DOWN : HealthStatus.UP;
        Instant now = Instant.now();
        try {
            JobQueue.Backlog backlog = queue.backlog(now, workers.maxClaims());
            details.put("jobsQueued", backlog.queued());
            details.put("jobsRunning", backlog.running());
            details.put("oldestQueuedSeconds", backlog.oldestQueued().map(at -> Duration.between(at, now).toSeconds()).orElse(0L));
            details.put("lastTriage", backlog.lastTriaged().map(Instant::toString).orElse("none yet"));
            details.put("strandedJobs", backlog.stranded());
            if (backlog.stranded() > 0) {
                details.put("stranded", backlog.stranded() + " job(s) could not store even their failure record and are"
                        + " no longer retried; their studies are on no worklist. The log names them; fix the database"
                        + " problem it reports, then re-queue them as README 'Stranded jobs' shows");
                if (status == HealthStatus.UP) {
                    status = new HealthStatus("DEGRADED");
                }
            }
        } catch (Exception e) {
            details.put("backlog", "unknown: " + SafeErrors.describe(e));
        }
        return Publishers.just(HealthResult.builder("triageWorkers", status).details(details).build());
    }
}
