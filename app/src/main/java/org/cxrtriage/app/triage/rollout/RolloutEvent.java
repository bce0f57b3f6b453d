package org.cxrtriage.app.triage.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One change of a model version's state, as the history keeps it (and the change control plan exports it). */
public record RolloutEvent(long id, String modelId, String version, String action, Optional<String> fromState,
                           String toState, Optional<Integer> canaryPercent, List<String> canaryCallers, String actor,
                           String reason, Optional<String> evidence, boolean forced, Instant occurredAt) {
}
