package org.cxrtriage.app.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Population monitoring on /prometheus, from the shared status this node last read (so every node
 * reports the same): {@code triage_drift_status} (0 ok, 1 warning, 2 alarm),
 * {@code triage_drift_statistic{signal}}, {@code triage_unreliable_ratio},
 * {@code triage_positive_ratio{finding}}, {@code triage_feedback_agreement_ratio{finding}} and the
 * time each evaluation took ({@code triage_monitor_evaluation_seconds}). NaN where there is no value.
 */
@Singleton
public final class MonitoringMetrics {

    private final MeterRegistry meters;
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    private final Timer evaluations;

    public MonitoringMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.evaluations = Timer.builder("triage.monitor.evaluation").description("time of one population-monitoring evaluation")
                .register(meters);
        gauge("triage.drift.status", null, null, Double.NaN);
        gauge("triage.unreliable.ratio", null, null, Double.NaN);
    }

    void evaluated(long millis) {
        evaluations.record(Duration.ofMillis(millis));
    }

    void show(MonitorView view) {
        gauge("triage.drift.status", null, null, view.status().gauge());
        view.evaluation().ifPresent(evaluation -> {
            for (DriftSignal signal : evaluation.signals()) {
                gauge("triage.drift.statistic", "signal", signal.name(), number(signal.statistic()));
                if (signal.name().equals(UnreliableRate.NAME)) {
                    gauge("triage.unreliable.ratio", null, null, number(signal.rate()));
                }
                if (signal.name().startsWith("positiveRate.")) {
                    gauge("triage.positive.ratio", "finding", signal.name().substring("positiveRate.".length()), number(signal.rate()));
                }
            }
            for (FeedbackPerformance.FindingPerformance finding : evaluation.performance().findings()) {
                gauge("triage.feedback.agreement.ratio", "finding", finding.finding(), number(finding.agreement().rate()));
            }
        });
    }

    private void gauge(String name, String tag, String value, double number) {
        String key = tag == null ? name : name + "{" + tag + "=" + value + "}";
        if (values.put(key, number) == null) {
            Gauge.Builder<Map<String, Double>> builder = Gauge.builder(name, values, v -> v.getOrDefault(key, Double.NaN));
            if (tag != null) {
                builder.tag(tag, value);
            }
            builder.register(meters);
        }
    }

    private static double number(Double value) {
        return value == null ? Double.NaN : value;
    }
}
