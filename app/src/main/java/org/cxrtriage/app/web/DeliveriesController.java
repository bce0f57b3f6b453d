package org.cxrtriage.app.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.delivery.DeliveryQueue;
import org.cxrtriage.app.delivery.DeliveryReports;
import org.cxrtriage.app.delivery.DeliveryWorker;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Principal;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Result delivery for administrators (no patient data: no study UID, accession or name): what is
 * pending and failed per destination, the latest failures, and re-queuing failed deliveries, the
 * same as {@code ./cxr-triage deliver retry}. Re-queuing is audited with the administrator as actor.
 */
@Controller("/api/admin/deliveries")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class DeliveriesController {

    /** How many of the latest failures the overview lists. */
    static final int LATEST_FAILURES = 50;

    /** One destination's pending and failed deliveries; times are ISO-8601 or empty. */
    public record DestinationView(String kind, String destination, long pending, String oldestPending, long failed,
                                  String lastFailure) {
    }

    /** A failed delivery, without the study it belongs to. */
    public record FailureView(long id, String kind, String destination, int revision, int attempts, String error,
                              String lastAttempt) {
    }

    /** The overview: this node's sender threads, every destination with work, the latest failures. */
    public record Overview(int workers, int workersAlive, List<DestinationView> destinations, List<FailureView> failures) {
    }

    /** What to re-queue: every failure (both empty), one destination's, or the listed ids. */
    public record RetryRequest(@Nullable String destination, @Nullable List<Long> ids) {
    }

    private final DeliveryReports reports;
    private final DeliveryQueue queue;
    private final DeliveryWorker workers;

    public DeliveriesController(DeliveryReports reports, DeliveryQueue queue, DeliveryWorker workers) {
        this.reports = reports;
        this.queue = queue;
        this.workers = workers;
    }

    @Get
    public Overview overview() throws SQLException {
        DeliveryWorker.State state = workers.state();
        return new Overview(state.configured(), state.alive(), reports.destinations().stream()
                .map(d -> new DestinationView(d.kind(), d.destination(), d.pending(), time(d.oldestPending()), d.failed(),
                        time(d.lastFailure()))).toList(),
                reports.failures(Optional.empty(), LATEST_FAILURES).stream()
                        .map(f -> new FailureView(f.id(), f.kind(), f.destination(), f.revision(), f.attempts(),
                                f.error() == null ? "" : f.error(), time(f.lastAttempt()))).toList());
    }

    @Post("/retry")
    public Map<String, Integer> retry(@Body @Nullable RetryRequest request, HttpRequest<?> http) throws SQLException {
        Principal admin = AccessFilter.principal(http).orElseThrow();
        RetryRequest what = request == null ? new RetryRequest(null, null) : request;
        int requeued = queue.retryFailed(new DeliveryQueue.RetryScope(Optional.empty(),
                Optional.ofNullable(what.destination()).filter(d -> !d.isBlank()), what.ids()),
                new DeliveryQueue.Actor("USER", admin.name(), AccessFilter.source(http)), Instant.now());
        return Map.of("requeued", requeued);
    }

    private static String time(Optional<Instant> time) {
        return time.map(Instant::toString).orElse("");
    }
}
