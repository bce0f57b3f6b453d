package org.cxrtriage.app.audit;

/**
 * An audit record could not be written. Fail-closed: whatever it was to record must not happen,
 * and patient data it was to record the showing of is not shown (HTTP 503, FHIR OperationOutcome,
 * DICOM processing failure, a retried triage job).
 */
public final class AuditUnavailableException extends RuntimeException {

    public AuditUnavailableException(String action, Throwable cause) {
        super("the audit log cannot be written (" + action + "), so the request was not carried out; try again shortly", cause);
    }
}
