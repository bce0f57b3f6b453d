package org.cxrtriage.app.triage;

import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Whether AI triage is suspended on this node: set by population monitoring when its stop rule
 * ({@code TRIAGE_MONITOR_STOP_RULE=suspend}) meets an unacknowledged alarm. While suspended, scores
 * are still computed and shown, but the AI raises no priority.
 */
@Singleton
public final class AiSuspension {

    private volatile String reason;

    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** Suspends with a reason, or lifts the suspension with an empty one. */
    public void set(Optional<String> reason) {
        this.reason = reason.orElse(null);
    }
}
