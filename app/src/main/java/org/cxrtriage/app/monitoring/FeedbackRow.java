package org.cxrtriage.app.monitoring;

import java.time.Instant;

/**
 * A radiologist's latest word on one AI finding, with what the finding said and the coarse labels
 * of its study for subgroups. No names or identifiers (the actor is not kept).
 *
 * @param reason       why they disagreed (missed-finding, false-positive, poor-image, other), or null
 * @param positive     whether the finding was positive at its operating point
 * @param probability  its calibrated probability
 */
public record FeedbackRow(long id, long findingId, Instant occurredAt, boolean agree, String reason, String finding,
                          boolean positive, double probability, String callingAe, Integer ageYears, String sex,
                          String manufacturer, String view) {

    /** Whether the radiologist judged the finding present: agreeing with a positive or disagreeing with a negative. */
    public boolean present() {
        return agree == positive;
    }
}
