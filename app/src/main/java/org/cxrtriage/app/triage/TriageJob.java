package org.cxrtriage.app.triage;

/** A claimed triage job: which study revision to score, and how often it has been tried. */
public record TriageJob(long id, String studyInstanceUid, int studyRevision, String reason, int attempts) {
}
