package org.cxrtriage.app.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.cxrtriage.app.delivery.DeliveryReports;
import org.cxrtriage.app.delivery.DeliveryWorker;
import org.reactivestreams.Publisher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /health} entry "delivery": pending and failed deliveries per kind, for everybody; per
 * destination (addresses) for administrators only. DEGRADED while a delivery failed in the last
 * day or one has waited more than 15 minutes (a destination is down); DOWN while a sender thread
 * of this node is dead.
 */
@Singleton
public final class DeliveryHealth implements HealthIndicator {

    static final Duration LATE = Duration.ofMinutes(15);
    static final Duration RECENT_FAILURE = Duration.ofHours(24);

    private final DeliveryReports reports;
    private final DeliveryWorker workers;

    public DeliveryHealth(DeliveryReports reports, DeliveryWorker workers) {
        this.reports = reports;
        this.workers = workers;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        DeliveryWorker.State state = workers.state();
        details.put("workers", Map.of("configured", state.configured(), "alive", state.alive()));
        HealthStatus status = state.alive() < state.configured() ? HealthStatus.DOWN : HealthStatus.UP;
        try {
            Instant now = Instant.now();
            Map<String, Long> pending = new LinkedHashMap<>();
            Map<String, Long> failed = new LinkedHashMap<>();
            List<Map<String, Object>> destinations = new ArrayList<>();
            Optional<Instant> oldest = Optional.empty();
            boolean recentFailure = false;
            for (DeliveryReports.Destination destination : reports.destinations()) {
                pending.merge(destination.kind(), destination.pending(), Long::sum);
                failed.merge(destination.kind(), destination.failed(), Long::sum);
                if (destination.oldestPending().isPresent()
                        && (oldest.isEmpty() || destination.oldestPending().get().isBefore(oldest.get()))) {
                    oldest = destination.oldestPending();
                }
                recentFailure |= destination.lastFailure().filter(at -> at.isAfter(now.minus(RECENT_FAILURE))).isPresent();
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("kind", destination.kind());
                entry.put("destination", destination.destination());
                entry.put("pending", destination.pending());
                entry.put("failed", destination.failed());
                destination.oldestPending().ifPresent(at -> entry.put("oldestPending", at.toString()));
                destination.lastFailure().ifPresent(at -> entry.put("lastFailure", at.toString()));
                destinations.add(entry);
            }
            details.put("pending", pending);
            details.put("failed", failed);
            oldest.ifPresent(at -> details.put("oldestPendingSeconds", Duration.between(at, now).toSeconds()));
            details.put("destinations", destinations);
            boolean late = oldest.filter(at -> at.isBefore(now.minus(LATE))).isPresent();
            if (status == HealthStatus.UP && (recentFailure || late)) {
                status = new HealthStatus("DEGRADED");
            }
        } catch (Exception e) {
            details.put("error", e.getClass().getSimpleName());
            status = HealthStatus.UNKNOWN;
        }
        return Publishers.just(HealthResult.builder("delivery", status).details(details).build());
    }
}
