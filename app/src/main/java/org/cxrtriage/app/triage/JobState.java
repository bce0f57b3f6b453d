package org.cxrtriage.app.triage;

/** A triage job's state ({@code triage_job.status}); only {@link JobQueue} changes it. */
public enum JobState {
    /** Waiting for a worker (again, after a failed attempt, from {@code not_before}). */
    QUEUED,
    /** Claimed by a worker holding a lease; claimable again once the lease runs out. */
    RUNNING,
    /** Scored or listed as not scored; its result is stored. */
    DONE,
    /** Failed every attempt; the study is listed as "not scored: error". */
    FAILED,
    /** A newer revision of the study was queued before this one ran; it never will. */
    SUPERSEDED
}
