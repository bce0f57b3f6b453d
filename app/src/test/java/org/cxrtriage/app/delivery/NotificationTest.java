package org.cxrtriage.app.delivery;

import org.cxrtriage.app.delivery.ResultMessage.Finding;
import org.cxrtriage.app.delivery.ResultMessage.Interpretation;
import org.cxrtriage.testdata.PhantomIdentity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notifications only for studies the AI raised because of a critical finding. */
class NotificationTest {

    private final PhantomIdentity identity = PhantomIdentity.newStudy();
    private final ResultMessage raised = ResultMessages.scored(identity, Optional.empty());

    @Test
    void aScoredStudyRaisedForACriticalFindingIsNotified() {
        assertTrue(Notification.applies(raised));
        assertEquals(List.of("pneumothorax"), Notification.criticalFindings(raised).stream().map(Finding::key).toList());
    }

    @Test
    void aPriorityTheAiDidNotRaiseIsNotNotified() {
        assertFalse(Notification.applies(with(raised, false, raised.findings())));
    }

    @Test
    void unreliableAndNotScoredResultsAreNeverNotified() {
        ResultMessage unreliable = ResultMessages.unreliable(identity, Optional.empty());
        ResultMessage unreliableButRaised = new ResultMessage(unreliable.studyInstanceUid(), 1, 9L, Optional.empty(),
                unreliable.outcome(), unreliable.outcomeText(), unreliable.study(), unreliable.source(), "stat", true,
                unreliable.model(), unreliable.findings(), unreliable.scoredAt(), Optional.empty(), Optional.empty());

        assertFalse(Notification.applies(unreliableButRaised), "its positive pneumothorax is reported indeterminate");
        assertEquals(List.of(), Notification.criticalFindings(unreliableButRaised));
        assertFalse(Notification.applies(ResultMessages.notScored(identity)));
    }

    @Test
    void aNormalStudyOrOnlyNonCriticalPositivesAreNotNotified() {
        List<Finding> nonCriticalOnly = raised.findings().stream()
                .map(f -> f.critical() ? new Finding(f.key(), f.display(), f.codeSystem(), f.code(), 0.01, f.threshold(),
                        Interpretation.NEGATIVE, true) : f)
                .toList();

        assertFalse(Notification.applies(with(raised, true, nonCriticalOnly)), "cardiomegaly is positive but not critical");
    }

    private static ResultMessage with(ResultMessage m, boolean raisedByAi, List<Finding> findings) {
        return new ResultMessage(m.studyInstanceUid(), m.revision(), m.resultId(), m.supersedes(), m.outcome(),
                m.outcomeText(), m.study(), m.source(), m.priority(), raisedByAi, m.model(), findings, m.scoredAt(),
                m.worklistUrl(), m.viewerUrl());
    }
}
