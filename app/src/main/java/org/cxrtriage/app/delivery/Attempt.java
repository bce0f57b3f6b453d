package org.cxrtriage.app.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * What one try to deliver one message to one destination came to.
 *
 * @param delivered true only when the destination confirmed it has the message (C-STORE success or
 *                  warning, HL7 AA, HTTP 2xx, SMTP 250 after DATA)
 * @param retryable for a failure: whether sending the same message again later may succeed (a
 *                  timeout, a refused connection, "out of resources"); false when the destination
 *                  said the message or our configuration is wrong and only a person can fix it.
 *                  Always false for a delivered attempt.
 * @param detail    one line for the outbox row: the status, the destination's own error text or the
 *                  exception. We put no patient name or ID in it, but a peer's error text is passed
 *                  on as it came (cleaned and bounded) and could name a patient: log it at DEBUG only.
 * @param took      wall time of the attempt
 */
public record Attempt(boolean delivered, boolean retryable, String detail, Duration took) {

    public Attempt {
        detail = Objects.requireNonNullElse(detail, "");
        Objects.requireNonNull(took, "took");
        if (delivered && retryable) {
            throw new IllegalArgumentException("a delivered attempt is never retried");
        }
    }

    public static Attempt delivered(String detail, Duration took) {
        return new Attempt(true, false, detail, took);
    }

    /** A failure worth trying again later. */
    public static Attempt retry(String detail, Duration took) {
        return new Attempt(false, true, detail, took);
    }

    /** A failure that repeats until someone fixes the message or the configuration. */
    public static Attempt fail(String detail, Duration took) {
        return new Attempt(false, false, detail, took);
    }

    /** Time since {@code startNanos} (a {@link System#nanoTime()} reading). */
    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
