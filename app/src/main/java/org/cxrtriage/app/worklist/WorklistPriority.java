package org.cxrtriage.app.worklist;

import org.cxrtriage.models.registry.FindingScore;
import org.cxrtriage.models.registry.ModelScore;

import java.time.Duration;
import java.util.Optional;

/**
 * The worklist priority rule, in one place:
 * <ul>
 *   <li><b>score</b> = the highest severity weight x calibrated probability among the critical
 *       findings, in [0, 1];</li>
 *   <li><b>critical</b> = some critical finding is positive at its operating point;</li>
 *   <li><b>priority</b> = the higher of the order's requested priority and the AI's: ASAP for a
 *       positive critical finding of full severity weight (1.0), URGENT for any other positive
 *       critical finding, ROUTINE otherwise (the AI never asks for STAT; only an order can);</li>
 *   <li><b>order within a priority</b> ({@link WorklistOrder}, the one SQL form of this rule): first
 *       studies with a finding positive at its operating point, critical or not; then studies the AI
 *       could not score or whose score did not count (not scored, unreliable, suspended: they need a
 *       read without AI help, so they keep their order priority and age like the others instead of
 *       sinking to the bottom); then scored studies with nothing positive; inside each of these, the
 *       highest {@link #aged} score, then the oldest;</li>
 *   <li><b>ageing</b>: for ordering, the score gains 0.05 per hour waited, at most 0.25, computed
 *       when the list is read, so nothing waits forever behind newer studies of its kind;</li>
 *   <li>a re-score never lowers an item: priority and score only go up.</li>
 * </ul>
 * A study that cannot be scored keeps its requested priority (ROUTINE when none) and score 0; it
 * is still listed, with its reason.
 */
public final class WorklistPriority {

    static final double AGEING_PER_HOUR = 0.05;
    static final double AGEING_CAP = 0.25;

    /** The decision for one worklist item. */
    public record Decision(TaskPriority priority, double score, boolean critical) {

        /** This decision, never below {@code previous}. */
        public Decision atLeast(Decision previous) {
            return new Decision(TaskPriority.max(priority, previous.priority), Math.max(score, previous.score),
                    critical || previous.critical);
        }
    }

    private WorklistPriority() {
    }

    public static Decision decide(Optional<String> requestedPriority, Optional<ModelScore> score) {
        TaskPriority requested = TaskPriority.fromRequested(requestedPriority).orElse(TaskPriority.ROUTINE);
        if (score.isEmpty()) {
            return new Decision(requested, 0.0, false);
        }
        double best = 0;
        boolean critical = false;
        TaskPriority ai = TaskPriority.ROUTINE;
        for (FindingScore finding : score.get().findings()) {
            if (!finding.critical()) {
                continue;
            }
            best = Math.max(best, finding.severityWeight() * finding.probability());
            if (finding.positive()) {
                critical = true;
                ai = TaskPriority.max(ai, finding.severityWeight() >= 1.0 ? TaskPriority.ASAP : TaskPriority.URGENT);
            }
        }
        return new Decision(TaskPriority.max(requested, ai), best, critical);
    }

    /**
     * Whether the AI, by itself, asks for a higher priority than the order did because a critical
     * finding is positive: what makes a study "raised by the AI" (and worth a notification).
     */
    public static boolean aiRaises(Optional<String> requestedPriority, Optional<ModelScore> score) {
        Decision ai = decide(Optional.empty(), score);
        TaskPriority requested = TaskPriority.fromRequested(requestedPriority).orElse(TaskPriority.ROUTINE);
        return ai.critical() && ai.priority().ordinal() > requested.ordinal();
    }

    /** The score used for ordering after waiting {@code waited}. */
    public static double aged(double score, Duration waited) {
        double hours = Math.max(0, waited.toSeconds() / 3600.0);
        return score + Math.min(AGEING_CAP, hours * AGEING_PER_HOUR);
    }
}
