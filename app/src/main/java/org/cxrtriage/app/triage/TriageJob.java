package org.cxrtriage.app.triage;

import java.time.Instant;

/**
 * A claimed triage job: which study revision to score, how often it has been tried (this attempt
 * included), and when it was queued (for the queue-wait metric).
 */
public record TriageJob(long id, String studyInstanceUid, int studyRevision, JobReason reason, int attempts,
                        Instant queuedAt) {
}
