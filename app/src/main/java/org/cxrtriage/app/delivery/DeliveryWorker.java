package org.cxrtriage.app.delivery;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.cxrtriage.app.config.DeliveryConfig;
import org.cxrtriage.app.delivery.DeliveryDestinations.Target;
import org.cxrtriage.app.delivery.DeliveryQueue.Claimed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Sender threads on every node (TRIAGE_DELIVERY_WORKERS): claim a due delivery, rebuild its
 * message from the database, ask the destination whether it wants it, send it once within the
 * configured timeout, and record the outcome (sent, retry after a back-off, or failed). Idle
 * threads poll every TRIAGE_DELIVERY_POLL, so a notification leaves well within 5 s of scoring. A
 * sweeper thread refreshes the gauges and gives up deliveries nobody could attempt.
 */
@Context
public final class DeliveryWorker {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final Duration SWEEP = Duration.ofSeconds(2);
    private static final Duration GIVE_UP_SWEEP = Duration.ofSeconds(30);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private final DeliveryQueue queue;
    private final DeliveryDestinations destinations;
    private final ResultMessageReader messages;
    private final DeliveryReports reports;
    private final DeliveryMetrics metrics;
    private final DeliveryConfig config;
    private final RetrySchedule schedule;
    private final String owner;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public DeliveryWorker(DeliveryQueue queue, DeliveryDestinations destinations, ResultMessageReader messages,
                          DeliveryReports reports, DeliveryMetrics metrics, DeliveryConfig config) {
        this.queue = queue;
        this.destinations = destinations;
        this.messages = messages;
        this.reports = reports;
        this.metrics = metrics;
        this.config = config;
        this.schedule = new RetrySchedule(config.retryMax());
        this.owner = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        if (!destinations.all().isEmpty()) {
            for (int i = 0; i < config.workers(); i++) {
                threads.add(start("delivery-worker-" + i, this::loop));
            }
        }
        threads.add(start("delivery-sweeper", this::sweep));
        LOG.info("{} delivery worker(s) started as {} for {} destination(s) (lease {}, timeout {}, give up after {})",
                destinations.all().isEmpty() ? 0 : config.workers(), owner, destinations.all().size(), config.lease(),
                config.timeout(), config.giveUp());
    }

    /** This node's sender threads: how many are configured and how many are alive. */
    public record State(int configured, int alive) {
    }

    public State state() {
        int configured = destinations.all().isEmpty() ? 0 : config.workers();
        int alive = (int) threads.stream().filter(t -> t.getName().startsWith("delivery-worker")).filter(Thread::isAlive).count();
        return new State(configured, alive);
    }

    private void loop() {
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                Optional<Claimed> claimed = queue.claim(owner, destinations.all(), config.lease(), Instant.now());
                if (claimed.isEmpty()) {
                    Thread.sleep(config.poll().toMillis());
                    continue;
                }
                deliver(claimed.get());
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.warn("delivery worker could not reach the outbox: {}", e.toString());
                pause(1000);
            }
        }
    }

    private void deliver(Claimed claimed) throws SQLException {
        Target target = destinations.find(claimed.kind(), claimed.destination()).orElseThrow(() ->
                new IllegalStateException("claimed a delivery to " + claimed.kind() + " " + claimed.destination()
                        + ", which this node does not have"));
        Optional<OutboxMessage> decision = queue.message(claimed.resultId());
        ResultMessage message;
        try {
            message = messages.read(decision.orElseThrow(() -> new IllegalStateException(
                    "no outbox message for result " + claimed.resultId())), claimed.supersedes());
        } catch (RuntimeException e) {
            LOG.error("delivery {} of study {}: the message could not be rebuilt", claimed.id(), claimed.studyUid(), e);
            record(claimed, null, Attempt.retry("could not rebuild the message: " + e, Duration.ZERO));
            return;
        }
        if (!target.destination().wants(message)) {
            queue.skip(claimed, owner, "not for this destination: only studies the AI raised for a critical finding");
            return;
        }
        record(claimed, message, target.destination().send(message));
    }

    private void record(Claimed claimed, ResultMessage message, Attempt attempt) throws SQLException {
        Optional<String> sr = attempt.delivered() && "dicom".equals(claimed.kind()) && message != null
                ? Optional.of(StructuredReportBuilder.sopInstanceUid(message)) : Optional.empty();
        Instant now = Instant.now();
        Optional<DeliveryState> state = queue.finish(claimed, owner, attempt, sr, schedule, config.giveUp(), now);
        String outcome = attempt.delivered() ? "sent" : state.orElse(DeliveryState.FAILED) == DeliveryState.PENDING
                ? "retry" : "failed";
        metrics.attempt(claimed.kind(), outcome);
        if (attempt.delivered() && message != null) {
            metrics.delivered(claimed.kind(), Duration.between(message.scoredAt(), now));
        }
        // The sender's detail may quote a peer's error text, which could name a patient: DEBUG only.
        LOG.info("study {} revision {} to {} {}: {} after attempt {} ({} ms){}", claimed.studyUid(), claimed.revision(),
                claimed.kind(), claimed.destination(), outcome, claimed.attempt(), attempt.took().toMillis(),
                state.isEmpty() ? ", but another node had taken it over" : "");
        LOG.debug("delivery {}: {}", claimed.id(), attempt.detail());
    }

    /** Every few seconds: the gauges from the database; every half minute: give up what nobody could attempt. */
    private void sweep() {
        Instant lastGiveUp = Instant.EPOCH;
        while (running) {
            pause(SWEEP.toMillis());
            try {
                Map<String, Long> pending = new HashMap<>();
                Map<String, Long> failed = new HashMap<>();
                for (DeliveryReports.Destination destination : reports.destinations()) {
                    pending.merge(destination.kind(), destination.pending(), Long::sum);
                    failed.merge(destination.kind(), destination.failed(), Long::sum);
                }
                metrics.counts(pending, failed);
                if (Instant.now().isAfter(lastGiveUp.plus(GIVE_UP_SWEEP))) {
                    lastGiveUp = Instant.now();
                    int given = queue.giveUpStale(config.giveUp(), lastGiveUp);
                    if (given > 0) {
                        LOG.warn("gave up {} delivery(ies) pending for more than {} without an attempt", given, config.giveUp());
                    }
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("delivery sweeper could not read the outbox: {}", e.toString());
            }
        }
    }

    private Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.length() > 50 ? name.substring(0, 50) : name;
        } catch (Exception e) {
            return "node";
        }
    }

    /**
     * Lets each sender finish the attempt it is in (up to {@link #SHUTDOWN_WAIT}), then gives back
     * what this node still holds, so another node (or this one after a restart) sends it at once
     * instead of after the lease.
     */
    @PreDestroy
    void stop() {
        running = false;
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        for (Thread thread : threads) {
            if (!thread.getName().startsWith("delivery-worker")) {
                thread.interrupt();
                continue;
            }
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.forEach(Thread::interrupt);
        try {
            int released = queue.release(owner, Instant.now());
            if (released > 0) {
                LOG.warn("shutting down in the middle of {} delivery attempt(s): queued again for any node", released);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not give back this node's deliveries; they are taken over when their lease ends: {}",
                    e.toString());
        }
    }
}
