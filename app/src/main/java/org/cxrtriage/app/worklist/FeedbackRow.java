package org.cxrtriage.app.worklist;

import java.time.OffsetDateTime;

/**
 * A radiologist's current view of one AI finding: their latest feedback.
 *
 * @param reason why they disagreed (one of {@link FeedbackReason}'s codes), null when not given
 */
public record FeedbackRow(long findingId, String actor, boolean agree, String reason, OffsetDateTime at) {
}
