package org.cxrtriage.app.triage;

import org.cxrtriage.app.worklist.WorklistPriority;
import org.cxrtriage.models.registry.ModelScore;

import java.util.Optional;

/**
 * What one model said about one study, or why it could not say anything, and the worklist
 * decision that follows from it. Shadow outcomes are recorded but never decide priority.
 */
public record Outcome(Optional<ModelScore> score, Optional<String> notScoredReason, boolean shadow,
                      Optional<String> sopInstanceUid, WorklistPriority.Decision decision) {

    public static Outcome scored(ModelScore score, String sopInstanceUid, Optional<String> requestedPriority, boolean shadow) {
        return new Outcome(Optional.of(score), Optional.empty(), shadow, Optional.of(sopInstanceUid),
                WorklistPriority.decide(requestedPriority, Optional.of(score)));
    }

    public static Outcome notScored(String reason, Optional<String> requestedPriority, boolean shadow) {
        return new Outcome(Optional.empty(), Optional.of(reason), shadow, Optional.empty(),
                WorklistPriority.decide(requestedPriority, Optional.empty()));
    }

    public boolean scored() {
        return score.isPresent();
    }
}
