package org.cxrtriage.models.inference;

import java.time.Duration;

/**
 * How models run.
 *
 * @param intraOpThreads ONNX Runtime threads per session (spinning is disabled: busy-waiting hurts
 *                       on small shared machines)
 * @param maxBatch       requests combined into one forward pass at most
 * @param maxWait        how long the first request of a batch waits for others
 */
public record SessionSettings(Device device, int intraOpThreads, int maxBatch, Duration maxWait) {

    public SessionSettings {
        if (intraOpThreads < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("threads and batch size must be at least 1");
        }
    }

    public static SessionSettings defaults() {
        return new SessionSettings(Device.CPU, Math.max(1, Runtime.getRuntime().availableProcessors()), 8,
                Duration.ofMillis(5));
    }
}
