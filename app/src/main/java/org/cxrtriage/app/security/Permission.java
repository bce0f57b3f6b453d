package org.cxrtriage.app.security;

/** What a request needs to be allowed. Roles grant permissions; endpoints require one. */
public enum Permission {
    /** Worklist resources: Tasks, studies, findings, reports, previews. */
    WORKLIST_READ(true),
    /** Changing Task status and giving feedback on findings. */
    WORKLIST_WRITE(true),
    /** Audit records, the per-study compliance timeline, AuditEvent search and export. */
    AUDIT_READ(true),
    /** Listing, adding, disabling users and changing their passwords. */
    USER_ADMIN(false),
    /** Reloading and inspecting models, and their rollout. */
    MODEL_ADMIN(false),
    /**
     * Comparing a candidate model version with the active one: lists the studies they disagree on
     * by accession number and study UID (never names), so it counts as patient data.
     */
    MODEL_COMPARISON(true),
    /** The server's configuration warnings, such as DICOM accepting any caller (no patient data). */
    SERVER_ADMIN(false),
    /** The Prometheus metrics endpoint (no patient data). */
    METRICS_READ(false),
    /** Population monitoring: drift status, signals, feedback performance, subgroup counts (no patient data). */
    MONITORING_READ(false),
    /** Acknowledging a monitoring alarm, which lifts the stop rule's suspension until a new alarm. */
    MONITORING_ACKNOWLEDGE(false),
    /** Result delivery: what is pending or failed per destination (no patient data), and re-queuing failures. */
    DELIVERY_ADMIN(false);

    private final boolean patientData;

    Permission(boolean patientData) {
        this.patientData = patientData;
    }

    /** True when what it opens shows patient data or who looked at it. */
    public boolean touchesPatientData() {
        return patientData;
    }
}
