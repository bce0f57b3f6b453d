package org.cxrtriage.app.triage;

import org.cxrtriage.app.worklist.BusinessStatus;
import org.cxrtriage.app.worklist.WorklistPriority;
import org.cxrtriage.models.registry.ModelScore;
import org.cxrtriage.models.reliability.Verdict;

import java.util.Map;
import java.util.Optional;

/**
 * What one model said about one study, or why it could not say anything, and the worklist
 * decision that follows from it. Only a {@link BusinessStatus#SCORED scored} outcome lets the AI
 * raise priority: an unreliable or suspended one keeps the order's priority, like a study that
 * was not scored. Shadow outcomes are recorded but never decide priority.
 *
 * @param facts the scored image's facts (numbers and texts by key) for population monitoring
 */
public record Outcome(BusinessStatus status, Optional<ModelScore> score, Optional<Verdict> verdict,
                      Optional<String> reason, boolean shadow, Optional<String> sopInstanceUid,
                      WorklistPriority.Decision decision, Facts facts) {

    /** What population monitoring keeps of a scored image: its facts by key. */
    public record Facts(Map<String, Double> numeric, Map<String, String> categorical) {
        public static final Facts NONE = new Facts(Map.of(), Map.of());
    }

    /**
     * A scored outcome: the AI decides the priority when the verdict says its output can be trusted
     * and AI triage is not suspended; otherwise only the order's priority counts.
     */
    public static Outcome scored(ModelScore score, Verdict verdict, Facts facts, String sopInstanceUid,
                                 Optional<String> requestedPriority, Optional<String> suspension, boolean shadow) {
        BusinessStatus status = !verdict.reliable() ? BusinessStatus.UNRELIABLE
                : suspension.isPresent() ? BusinessStatus.SUSPENDED : BusinessStatus.SCORED;
        Optional<String> reason = switch (status) {
            case UNRELIABLE -> Optional.of("unreliable: " + verdict.reason());
            case SUSPENDED -> Optional.of("AI triage suspended: " + suspension.get());
            default -> Optional.empty();
        };
        WorklistPriority.Decision decision = status.aiDecides()
                ? WorklistPriority.decide(requestedPriority, Optional.of(score))
                : WorklistPriority.decide(requestedPriority, Optional.empty());
        return new Outcome(status, Optional.of(score), Optional.of(verdict), reason, shadow, Optional.of(sopInstanceUid),
                decision, facts);
    }

    public static Outcome notScored(String reason, Optional<String> requestedPriority, boolean shadow) {
        return new Outcome(BusinessStatus.NOT_SCORED, Optional.empty(), Optional.empty(), Optional.of(reason), shadow,
                Optional.empty(), WorklistPriority.decide(requestedPriority, Optional.empty()), Facts.NONE);
    }

    public static Outcome failed(String error) {
        return new Outcome(BusinessStatus.ERROR, Optional.empty(), Optional.empty(), Optional.of("error: " + error), false,
                Optional.empty(), WorklistPriority.decide(Optional.empty(), Optional.empty()), Facts.NONE);
    }

    /** True when the model produced scores (whether or not they may decide priority). */
    public boolean scored() {
        return score.isPresent();
    }

    /** The kept name for the reason: the not-scored reason of earlier releases. */
    public Optional<String> notScoredReason() {
        return reason;
    }
}
