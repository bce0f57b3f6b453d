package org.cxrtriage.app.delivery;

import java.time.Duration;

/**
 * How long to wait after a failed attempt: 1 s after the first, doubling each time (2 s, 4 s,
 * 8 s, ...), never more than {@code max}.
 */
record RetrySchedule(Duration max) {

    static final Duration FIRST = Duration.ofSeconds(1);

    /** The wait after attempt number {@code attempts} (1 for the first) failed. */
    Duration after(int attempts) {
        int doublings = Math.max(0, Math.min(attempts - 1, 30));
        Duration wait = FIRST.multipliedBy(1L << doublings);
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
