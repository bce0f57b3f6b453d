package org.cxrtriage.app.triage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Locale;

/**
 * Times each pipeline step as {@code triage.step{step=...}} and each whole job as
 * {@code triage.job}, the queue wait before it as {@code triage.job.wait}, with histogram buckets from 10 ms to 60 s on /prometheus, and counts the
 * studies triaged as {@code triage.studies{outcome, reason}}.
 */
@Singleton
public final class StepTimer {

    /** A step's work; it may throw what it throws, the timer records it either way. */
    public interface Step<T, E extends Exception> {
        T run() throws E;
    }

    /** Bucket bounds: a step takes milliseconds, a study on a busy CPU node can take many seconds. */
    static final Duration[] BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60)};

    private final MeterRegistry meters;

    public StepTimer(MeterRegistry meters) {
        this.meters = meters;
    }

    public <T, E extends Exception> T time(String step, Step<T, E> work) throws E {
        return timed(Timer.builder("triage.step").tag("step", step), work);
    }

    /** Times one job from claim to stored result. */
    public <T, E extends Exception> T timeJob(Step<T, E> work) throws E {
        return timed(Timer.builder("triage.job").description("one triage job, from claim to stored result"), work);
    }

    /**
     * Records how long a job waited in the queue before a worker claimed it
     * ({@code triage.job.wait}): the part of a study's latency that more workers or cores would cut.
     */
    public void waited(Duration wait) {
        Timer.builder("triage.job.wait").description("from a job being queued to a worker claiming it")
                .serviceLevelObjectives(BUCKETS).register(meters).record(wait.isNegative() ? Duration.ZERO : wait);
    }

    private <T, E extends Exception> T timed(Timer.Builder timer, Step<T, E> work) throws E {
        Timer.Sample sample = Timer.start(meters);
        try {
            return work.run();
        } finally {
            sample.stop(timer.serviceLevelObjectives(BUCKETS).register(meters));
        }
    }

    /**
     * Counts one study's outcome. {@code reason} is reduced to its leading words (ours, a bounded
     * set: "not a chest radiograph", "image too small"), never the details that follow.
     */
    public void counted(String outcome, String reason) {
        meters.counter("triage.studies", "outcome", outcome, "reason", category(reason)).increment();
    }

    static String category(String reason) {
        if (reason == null || reason.isBlank()) {
            return "";
        }
        String first = reason.split(";", 2)[0];
        StringBuilder words = new StringBuilder();
        for (char c : first.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '(' || c == ':' || Character.isDigit(c) || words.length() >= 40) {
                break;
            }
            words.append(Character.isLetter(c) ? c : ' ');
        }
        return words.toString().trim().replaceAll(" +", " ");
    }
}
