package org.cxrtriage.app.triage;

import org.cxrtriage.app.config.NodeName;
import org.cxrtriage.compliance.AuditAction;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.ModelDevice;
import org.cxrtriage.dicom.store.StudySpool;
import org.cxrtriage.app.config.WorkerConfig;
import org.cxrtriage.app.triage.rollout.RolloutModels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Worker threads that triage studies: claim a job, triage the study, store the result. A job that
 * fails for any reason short of a broken virtual machine (out of memory and stack overflow
 * included: they concern the job, not the VM) is retried with growing back-off and then stored as
 * "not scored: error", so the study still reaches the worklist. A worker thread that ends anyway
 * is restarted within a second and counted. Any node may finish any node's jobs.
 */
@Context
public final class JobWorker {

    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

    /** Worker threads configured, alive now, restarted since start, and the last death. */
    public record WorkerState(int configured, int alive, int restarts, String lastDeath) {
    }

    private final JobQueue queue;
    private final TriagePipeline pipeline;
    private final TriageResults results;
    private final RolloutModels rollout;
    private final AuditTrail audit;
    private final StudySpool spool;
    private final StepTimer steps;
    private final WorkerConfig config;
    private final String owner;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger restarts = new AtomicInteger();
    private volatile String lastDeath = "";
    private volatile boolean running = true;

    public JobWorker(JobQueue queue, TriagePipeline pipeline, TriageResults results, RolloutModels rollout, AuditTrail audit,
                     StudySpool spool, StepTimer steps, WorkerConfig config) {
        this.queue = queue;
        this.pipeline = pipeline;
        this.results = results;
        this.rollout = rollout;
        this.audit = audit;
        this.spool = spool;
        this.steps = steps;
        this.config = config;
        this.owner = NodeName.hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < config.count(); i++) {
            threads.add(startWorker(i));
        }
        Thread supervisor = new Thread(this::supervise, "triage-worker-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
        log.info("{} triage worker(s) started as {} (lease {}, {} attempts)", config.count(), owner, config.lease(),
                config.maxAttempts());
    }

    /** Claims and runs jobs until the server stops or this thread is interrupted (the supervisor then starts another). */
    private void loop() {
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                Optional<TriageJob> job = queue.claim(owner, config.lease(), Instant.now(), maxClaims());
                if (job.isEmpty()) {
                    Thread.sleep(50);
                    continue;
                }
                steps.waited(Duration.between(job.get().queuedAt(), Instant.now()));
                steps.timeJob(() -> {
                    run(job.get());
                    return null;
                });
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                if (fatal(e)) {
                    throw (VirtualMachineError) e;
                }
                if (interruption(e)) {
                    // Interrupted inside the database driver, which may have cleared the flag: end like any
                    // interrupted worker (the supervisor starts another), rather than carry on as if nothing happened.
                    return;
                }
                log.warn("triage worker could not reach the job queue: {}", SafeErrors.describe(e));
                sleepQuietly(1000);
            }
        }
    }

    /** True when the failure is this thread's interruption, however wrapped (JDBC, NIO, I/O). */
    static boolean interruption(Throwable failure) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof InterruptedException || cause instanceof java.io.InterruptedIOException
                    || cause instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    private void run(TriageJob job) throws Exception {
        try {
            triage(job);
        } catch (LeaseLostException e) {
            log.warn("{}; another node finished it", e.getMessage());
        } catch (Throwable e) {
            if (fatal(e)) {
                throw e;
            }
            failed(job, SafeErrors.describe(e));
        }
    }

    private void triage(TriageJob job) throws Exception {
        List<Path> files = steps.time("load", () -> results.studyFiles(job.studyInstanceUid()).stream()
                .map(spool::resolve).toList());
        RolloutModels.Selection selection = rollout.select(job.studyInstanceUid(),
                results.callingAeTitle(job.studyInstanceUid()));
        StudyOutcome outcome = pipeline.triage(files, selection.snapshot()).withRolloutRoles(selection.roles());
        steps.time("persist", () -> {
            results.store(job, owner, outcome, Instant.now());
            return null;
        });
        Outcome decided = outcome.active();
        steps.counted(decided.status().code(), decided.reason().orElse(""));
        AuditAction action = switch (decided.status()) {
            case SCORED -> AuditAction.TRIAGE_SCORED;
            case UNRELIABLE -> AuditAction.TRIAGE_UNRELIABLE;
            case SUSPENDED -> AuditAction.TRIAGE_SUSPENDED;
            default -> AuditAction.TRIAGE_NOT_SCORED;
        };
        audit.system(action, job.studyInstanceUid(),
                List.of("Task/" + job.studyInstanceUid(), ModelDevice.reference(outcome.activeModel())), true,
                "revision " + job.studyRevision() + ", priority " + decided.decision().priority().code()
                        + decided.reason().map(reason -> ", " + (decided.scored() ? "" : "not scored: ") + reason).orElse("")
                        + ", model " + ModelDevice.describe(outcome.activeModel()));
        log.info("study {} revision {} triaged: {} (score {}, {}, model {})", job.studyInstanceUid(), job.studyRevision(),
                decided.decision().priority().code(), String.format("%.3f", decided.decision().score()),
                decided.status().code() + decided.reason().map(reason -> ": " + reason).orElse(""),
                outcome.activeModel().id() + " " + outcome.activeModel().version());
    }

    private void failed(TriageJob job, String error) throws Exception {
        if (job.attempts() < config.maxAttempts()) {
            Duration backoff = Duration.ofSeconds(1L << Math.min(job.attempts(), 6));
            log.warn("study {} revision {} failed (attempt {} of {}), retrying in {} s: {}", job.studyInstanceUid(),
                    job.studyRevision(), job.attempts(), config.maxAttempts(), backoff.toSeconds(), error);
            queue.retryLater(job, owner, error, Instant.now().plus(backoff));
            return;
        }
        log.error("study {} revision {} failed {} times; listed as not scored: {}", job.studyInstanceUid(),
                job.studyRevision(), job.attempts(), error);
        try {
            results.storeFailure(job, owner, error, Instant.now());
        } catch (LeaseLostException e) {
            log.warn("{}; another node finished it", e.getMessage());
            return;
        } catch (Exception e) {
            if (job.attempts() >= maxClaims()) {
                log.error("study {} revision {}: its failure record could not be stored after {} claims ({}); the job is"
                        + " no longer claimed and /health reports it as stranded", job.studyInstanceUid(),
                        job.studyRevision(), job.attempts(), SafeErrors.describe(e));
            } else {
                log.warn("study {} revision {}: could not store its failure record ({}); it is claimed again when its"
                        + " lease ends", job.studyInstanceUid(), job.studyRevision(), SafeErrors.describe(e));
            }
            return;
        }
        steps.counted("error", "");
        audit.system(AuditAction.TRIAGE_FAILED, job.studyInstanceUid(), List.of("Task/" + job.studyInstanceUid()), false,
                "after " + job.attempts() + " attempts: " + error);
    }

    /** Errors after which the VM itself cannot be trusted; everything else is survived. */
    static boolean fatal(Throwable e) {
        return e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError) && !(e instanceof StackOverflowError);
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

    /** Claims of one job at most: its attempts, then a few to store its failure record. */
    public int maxClaims() {
        return config.maxAttempts() + JobQueue.FAILURE_RECORD_CLAIMS;
    }

    public synchronized WorkerState state() {
        int alive = (int) threads.stream().filter(Thread::isAlive).count();
        return new WorkerState(config.count(), alive, restarts.get(), lastDeath);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }


    @PreDestroy
    void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
    }
}
