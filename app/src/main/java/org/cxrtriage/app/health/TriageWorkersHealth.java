package org.cxrtriage.app.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.cxrtriage.app.triage.JobWorker;
import org.reactivestreams.Publisher;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /health} entry "triageWorkers": DOWN while a worker thread is dead (it is restarted within a second). */
@Singleton
public final class TriageWorkersHealth implements HealthIndicator {

    private final JobWorker workers;

    public TriageWorkersHealth(JobWorker workers) {
        this.workers = workers;
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
        return Publishers.just(HealthResult.builder("triageWorkers", status).details(details).build());
    }
}
