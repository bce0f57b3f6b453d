package org.cxrtriage.app.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.MonitorConfig;
import org.cxrtriage.app.monitoring.MonitorStatus;
import org.cxrtriage.app.monitoring.MonitorView;
import org.cxrtriage.app.monitoring.PopulationMonitor;
import org.reactivestreams.Publisher;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /health} entry "monitoring": the population-monitoring status and its reasons, whether AI
 * triage is suspended by the stop rule and why; DEGRADED while an alarm stands (acknowledged or not:
 * an acknowledgement lifts the suspension, not the alarm). Statistics only.
 */
@Singleton
public final class MonitoringHealth implements HealthIndicator {

    static final HealthStatus DEGRADED = new HealthStatus("DEGRADED", "a monitoring alarm stands", true, 2);

    private final PopulationMonitor monitor;
    private final MonitorConfig config;

    public MonitoringHealth(PopulationMonitor monitor, MonitorConfig config) {
        this.monitor = monitor;
        this.config = config;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        Optional<MonitorView> view = monitor.view();
        details.put("status", view.map(v -> v.status().code()).orElse("not read yet"));
        details.put("stopRule", config.stopRule());
        view.ifPresent(v -> {
            details.put("since", v.row().since().toString());
            details.put("reasons", v.row().reasons());
            details.put("aiTriage", v.suspension().map(reason -> "suspended: " + reason).orElse("active"));
            details.put("acknowledged", v.row().acknowledgement().isPresent());
        });
        HealthStatus status = view.map(MonitorView::status).orElse(MonitorStatus.OK) == MonitorStatus.ALARM ? DEGRADED : HealthStatus.UP;
        return Publishers.just(HealthResult.builder("monitoring", status).details(details).build());
    }
}
