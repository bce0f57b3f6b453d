package org.cxrtriage.app.delivery;

import org.cxrtriage.app.delivery.ResultMessage.Finding;
import org.cxrtriage.app.delivery.ResultMessage.Interpretation;
import org.cxrtriage.app.delivery.ResultMessage.Outcome;

import java.util.List;

/**
 * The rule for notifications (webhooks, e-mail): a notification goes out only for a study the AI
 * raised because of a critical finding, never for a normal, unreliable or not-scored result, nor
 * for one whose priority was set by the order rather than by the AI.
 */
public final class Notification {

    private Notification() {
    }

    /** True when the result is scored, the AI raised its priority and a critical finding is positive. */
    public static boolean applies(ResultMessage message) {
        return message.outcome() == Outcome.SCORED && message.raisedByAi() && !criticalFindings(message).isEmpty();
    }

    /** The critical findings reported positive, in the message's order. */
    public static List<Finding> criticalFindings(ResultMessage message) {
        return message.findings().stream()
                .filter(Finding::critical)
                .filter(finding -> message.reported(finding) == Interpretation.POSITIVE)
                .toList();
    }

    /** A stable identifier of this notification, the same on every attempt, for receivers to de-duplicate. */
    public static String deliveryId(ResultMessage message) {
        return "cxr-" + message.resultId() + "-" + message.revision();
    }
}
