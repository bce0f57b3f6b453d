package org.cxrtriage.app.triage;

/** Why a triage job was queued ({@code triage_job.reason}). */
public enum JobReason {
    /** The study's first revision. */
    NEW_STUDY,
    /** An instance arrived after the study was scored; this result supersedes the earlier one. */
    LATE_INSTANCE
}
