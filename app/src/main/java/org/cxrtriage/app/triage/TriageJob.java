package org.cxrtriage.app.triage;

/** A claimed triage job: which study revision to score, and how often it has been tried (this attempt included). */
public record TriageJob(long id, String studyInstanceUid, int studyRevision, JobReason reason, int attempts) {
}
