package org.cxrtriage.app.triage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

/** Times each pipeline step as {@code triage.step{step=...}} (seconds on /prometheus). */
@Singleton
public final class StepTimer {

    /** A step's work; it may throw what it throws, the timer records it either way. */
    public interface Step<T, E extends Exception> {
        T run() throws E;
    }

    private final MeterRegistry meters;

    public StepTimer(MeterRegistry meters) {
        this.meters = meters;
    }

    public <T, E extends Exception> T time(String step, Step<T, E> work) throws E {
        Timer.Sample sample = Timer.start(meters);
        try {
            return work.run();
        } finally {
            sample.stop(Timer.builder("triage.step").tag("step", step).register(meters));
        }
    }
}
