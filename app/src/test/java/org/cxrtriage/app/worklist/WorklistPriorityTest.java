package org.cxrtriage.app.worklist;

import org.cxrtriage.models.inference.Device;
import org.cxrtriage.models.inference.ExecutionDevice;
import org.cxrtriage.models.registry.FindingScore;
import org.cxrtriage.models.registry.ModelScore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorklistPriorityTest {

    private static FindingScore finding(String key, double probability, double threshold, boolean critical, double weight) {
        return new FindingScore(key, key, "urn:test", key, 0, probability, Optional.of(threshold), probability >= threshold,
                critical, weight, "cal-1");
    }

    private static Optional<ModelScore> score(FindingScore... findings) {
        return Optional.of(new ModelScore("m", "1", "0".repeat(64), true, new ExecutionDevice(Device.CPU, Device.CPU, ""),
                List.of(findings)));
    }

    @Test
    void positiveFullWeightCriticalFindingIsAsap() {
        WorklistPriority.Decision decision = WorklistPriority.decide(Optional.empty(),
                score(finding("pneumothorax", 0.9, 0.3, true, 1.0), finding("cardiomegaly", 0.99, 0.5, false, 0.3)));
        assertEquals(TaskPriority.ASAP, decision.priority());
        assertEquals(0.9, decision.score(), 1e-12, "non-critical findings do not count towards the score");
        assertTrue(decision.critical());
    }

    @Test
    void positiveLesserCriticalFindingIsUrgentAndNegativeIsRoutine() {
        assertEquals(TaskPriority.URGENT, WorklistPriority.decide(Optional.empty(),
                score(finding("effusion", 0.7, 0.4, true, 0.6))).priority());
        WorklistPriority.Decision negative = WorklistPriority.decide(Optional.empty(), score(finding("effusion", 0.2, 0.4, true, 0.6)));
        assertEquals(TaskPriority.ROUTINE, negative.priority());
        assertEquals(0.12, negative.score(), 1e-12);
        assertFalse(negative.critical());
    }

    @Test
    void theOrderedPriorityIsNeverLoweredByTheAi() {
        assertEquals(TaskPriority.STAT, WorklistPriority.decide(Optional.of("STAT"),
                score(finding("pneumothorax", 0.01, 0.3, true, 1.0))).priority());
        assertEquals(TaskPriority.URGENT, WorklistPriority.decide(Optional.of("HIGH"), Optional.empty()).priority());
    }

    @Test
    void aRescoreNeverLowersPriorityOrScore() {
        WorklistPriority.Decision first = new WorklistPriority.Decision(TaskPriority.ASAP, 0.8, true);
        WorklistPriority.Decision lower = new WorklistPriority.Decision(TaskPriority.ROUTINE, 0.1, false);
        assertEquals(first, lower.atLeast(first));
    }

    @Test
    void ageingRaisesTheOrderingScoreUpToACap() {
        assertEquals(0.5, WorklistPriority.aged(0.5, Duration.ZERO), 1e-12);
        assertEquals(0.55, WorklistPriority.aged(0.5, Duration.ofHours(1)), 1e-12);
        assertEquals(0.75, WorklistPriority.aged(0.5, Duration.ofHours(30)), 1e-12);
    }
}
