package org.cxrtriage.app.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Result delivery on {@code /prometheus}, by kind of destination (dicom, hl7, webhook, email):
 * {@code triage_delivery_pending} and {@code triage_delivery_failed} (deliveries in the shared
 * database now, refreshed every few seconds), {@code triage_delivery_attempts_total{outcome}}
 * (sent, retry, failed, by this node) and {@code triage_delivery_latency_seconds} (from the
 * result being stored to the destination confirming it, with a histogram).
 */
@Singleton
public final class DeliveryMetrics {

    static final List<String> KINDS = List.of("dicom", "hl7", "webhook", "email");

    private final MeterRegistry meters;
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> failed = new ConcurrentHashMap<>();

    public DeliveryMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (String kind : KINDS) {
            Gauge.builder("triage.delivery.pending", gauge(pending, kind), AtomicLong::get).tag("kind", kind)
                    .description("Deliveries waiting to be sent or being sent").register(meters);
            Gauge.builder("triage.delivery.failed", gauge(failed, kind), AtomicLong::get).tag("kind", kind)
                    .description("Deliveries given up or refused for good, until re-queued").register(meters);
        }
    }

    /** An attempt finished: {@code outcome} is sent, retry or failed. */
    void attempt(String kind, String outcome) {
        Counter.builder("triage.delivery.attempts").tag("kind", kind).tag("outcome", outcome)
                .description("Delivery attempts by this node").register(meters).increment();
    }

    /** A destination confirmed a result {@code sinceStored} after the result was stored. */
    void delivered(String kind, Duration sinceStored) {
        Timer.builder("triage.delivery.latency").tag("kind", kind)
                .description("From the result being stored to the destination confirming it")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(50))
                .maximumExpectedValue(Duration.ofHours(24)).register(meters)
                .record(sinceStored.isNegative() ? Duration.ZERO : sinceStored);
    }

    /** The database's current counts, per kind (kinds not in the map count 0). */
    void counts(Map<String, Long> pendingByKind, Map<String, Long> failedByKind) {
        for (String kind : KINDS) {
            gauge(pending, kind).set(pendingByKind.getOrDefault(kind, 0L));
            gauge(failed, kind).set(failedByKind.getOrDefault(kind, 0L));
        }
    }

    private static AtomicLong gauge(Map<String, AtomicLong> gauges, String kind) {
        return gauges.computeIfAbsent(kind, k -> new AtomicLong());
    }
}
