package org.cxrtriage.app.triage.rollout;

/** A rollout change that is refused, with a message that says what is missing and what to do. */
public final class RolloutException extends Exception {
    public RolloutException(String message) {
        super(message);
    }
}
