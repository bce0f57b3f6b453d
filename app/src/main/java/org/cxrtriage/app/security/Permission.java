package org.cxrtriage.app.security;

/** What a request needs to be allowed. Roles grant permissions; endpoints require one. */
public enum Permission {
    /** Worklist resources: Tasks, studies, findings, reports, previews. */
    WORKLIST_READ,
    /** Changing Task status and giving feedback on findings. */
    WORKLIST_WRITE,
    /** Audit records, the per-study compliance timeline, AuditEvent search and export. */
    AUDIT_READ,
    /** Listing, adding, disabling users and changing their passwords. */
    USER_ADMIN,
    /** Reloading and inspecting models. */
    MODEL_ADMIN,
    /** The Prometheus metrics endpoint (no patient data). */
    METRICS_READ
}
