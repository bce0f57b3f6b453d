package org.cxrtriage.app.triage;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Property;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Worker threads that claim triage jobs from the database and run the pipeline. Failures are
 * retried with growing back-off; after the last attempt the study is stored as "not scored:
 * error" so it still reaches the worklist. Any node may finish any node's jobs.
 */
@Context
public final class JobWorker {

    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

    private final JobQueue queue;
    private final TriagePipeline pipeline;
    private final TriageRecords records;
    private final org.cxrtriage.app.audit.AuditTrail audit;
    private final Duration lease;
    private final int maxAttempts;
    private final String owner;
    private final List<Thread> threads = new ArrayList<>();
    private final int count;
    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String lastDeath = "";
    private volatile boolean running = true;

    public JobWorker(JobQueue queue, TriagePipeline pipeline, TriageRecords records, org.cxrtriage.app.audit.AuditTrail audit,
                     @Property(name = "triage.workers.count", defaultValue = "2") int count,
                     @Property(name = "triage.workers.lease", defaultValue = "60s") Duration lease,
                     @Property(name = "triage.workers.max-attempts", defaultValue = "3") int maxAttempts) {
        this.queue = queue;
        this.pipeline = pipeline;
        this.records = records;
        this.audit = audit;
        this.lease = lease;
        this.maxAttempts = maxAttempts;
        this.owner = hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.count = count;
        for (int i = 0; i < count; i++) {
            threads.add(startWorker(i));
        }
        Thread supervisor = new Thread(this::supervise, "triage-worker-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
        log.info("{} triage worker(s) started as {} (lease {}, {} attempts)", count, owner, lease, maxAttempts);
    }

    private void loop() {
        while (running) {
            try {
                Optional<TriageJob> job = queue.claim(owner, lease, Instant.now());
                if (job.isEmpty()) {
                    Thread.sleep(50);
                    continue;
                }
                run(job.get());
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                if (fatal(e)) {
                    throw (VirtualMachineError) e;
                }
                log.warn("triage worker could not reach the job queue: {}", SafeErrors.describe(e));
                sleepQuietly(1000);
            }
        }
    }

    /**
     * A job that fails for any reason short of a broken virtual machine (out of memory and stack
     * overflow included: they concern the job, not the VM) is retried with back-off and then stored
     * as "not scored: error", so the worker lives on and the study stays on the worklist.
     */
    private void run(TriageJob job) throws Exception {
        try {
            pipeline.process(job, owner);
        } catch (Throwable e) {
            if (fatal(e)) {
                throw e;
            }
            Throwable cause = e instanceof TriagePipeline.StepFailure ? e.getCause() : e;
            if (cause instanceof TriageRecords.LeaseLostException) {
                log.warn("{}; another node finished it", cause.getMessage());
                return;
            }
            String error = SafeErrors.describe(cause);
            if (job.attempts() < maxAttempts) {
                Duration backoff = Duration.ofSeconds(1L << Math.min(job.attempts(), 6));
                log.warn("study {} revision {} failed (attempt {} of {}), retrying in {} s: {}", job.studyInstanceUid(),
                        job.studyRevision(), job.attempts(), maxAttempts, backoff.toSeconds(), error);
                queue.retryLater(job, owner, error, Instant.now().plus(backoff));
            } else {
                log.error("study {} revision {} failed {} times; listed as not scored: {}", job.studyInstanceUid(),
                        job.studyRevision(), job.attempts(), error);
                records.store(job, owner, "FAILED", error, Optional.empty(), List.of(new TriageRecords.Outcome(Optional.empty(),
                        Optional.of("error: " + error), false, Optional.empty(),
                        WorklistPriority.decide(Optional.empty(), Optional.empty()))), Instant.now());
                audit.system("triage.failed", job.studyInstanceUid(), List.of("Task/" + job.studyInstanceUid()), false,
                        "after " + job.attempts() + " attempts: " + error);
            }
        }
    }

    /** Errors after which the VM itself cannot be trusted; everything else is survived. */
    static boolean fatal(Throwable e) {
        return e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError) && !(e instanceof StackOverflowError);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "node";
        }
    }

    private Thread startWorker(int index) {
        Thread thread = new Thread(this::loop, "triage-worker-" + index);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((dead, error) -> {
            lastDeath = Instant.now() + " " + dead.getName() + ": " + SafeErrors.describe(error);
            log.error("triage worker {} died ({}); it is restarted within a second", dead.getName(), SafeErrors.describe(error));
        });
        thread.start();
        return thread;
    }

    /**
     * Restarts any worker thread that died, so triage never stops silently. Runs on a thread of
     * its own (not the scheduler, which would re-create this bean during shutdown).
     */
    private void supervise() {
        while (running) {
            sleepQuietly(1000);
            superviseWorkers();
        }
    }

    synchronized void superviseWorkers() {
        for (int i = 0; i < threads.size(); i++) {
            if (running && !threads.get(i).isAlive()) {
                restarts.incrementAndGet();
                threads.set(i, startWorker(i));
            }
        }
    }

    /** Worker threads configured, alive now, restarted since start, and the last death. */
    public record WorkerState(int configured, int alive, int restarts, String lastDeath) {
    }

    public synchronized WorkerState state() {
        int alive = (int) threads.stream().filter(Thread::isAlive).count();
        return new WorkerState(count, alive, restarts.get(), lastDeath);
    }

    @PreDestroy
    void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
    }
}
