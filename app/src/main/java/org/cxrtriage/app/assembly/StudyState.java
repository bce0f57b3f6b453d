package org.cxrtriage.app.assembly;

/** Where a study stands in assembly ({@code study.status}). */
public enum StudyState {
    /** Instances are arriving; a new one arrived within the quiet period. */
    RECEIVING,
    /** Quiet for the quiet period; a triage job is queued for its current revision. */
    READY,
    /** Holds only objects triage ignores (SR, presentation states, CT, ...): never assembled or triaged. */
    NO_RADIOGRAPH
}
