package org.cxrtriage.compliance;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every action the system records, with its stable code (stored in each record) and how IHE Basic
 * Audit Log Patterns classify it: the DICOM audit event type (PS3.15 A.5), an optional subtype
 * (a DICOM event type code, or a FHIR RESTful interaction for API calls) and the CRUDE action.
 * A code without a constant here (an older or foreign record) is reported as application activity.
 */
public enum AuditAction {
    DICOM_ASSOCIATION("dicom.association", EventClass.INSTANCES_TRANSFERRED, null, 'E'),
    DICOM_STORE("dicom.store", EventClass.INSTANCES_TRANSFERRED, null, 'C'),
    TRIAGE_SCORED("triage.scored", EventClass.PATIENT_RECORD, null, 'C'),
    TRIAGE_NOT_SCORED("triage.not-scored", EventClass.PATIENT_RECORD, null, 'C'),
    TRIAGE_FAILED("triage.failed", EventClass.PATIENT_RECORD, null, 'C'),
    TRIAGE_UNRELIABLE("triage.unreliable", EventClass.PATIENT_RECORD, null, 'C'),
    TRIAGE_SUSPENDED("triage.suspended", EventClass.PATIENT_RECORD, null, 'C'),
    LOGIN("login", EventClass.USER_AUTHENTICATION, Subtype.LOGIN, 'E'),
    LOGIN_FAILED("login.failed", EventClass.USER_AUTHENTICATION, Subtype.LOGIN, 'E'),
    LOGIN_BLOCKED("login.blocked", EventClass.SECURITY_ALERT, null, 'E'),
    LOGOUT("logout", EventClass.USER_AUTHENTICATION, Subtype.LOGOUT, 'E'),
    /** The web page locked itself after the user was idle: patient data hidden until the password is given again. */
    SESSION_LOCK("session.lock", EventClass.USER_AUTHENTICATION, Subtype.LOGOUT, 'E'),
    /** The password given again on a locked page (outcome FAILURE when it was wrong). */
    SESSION_UNLOCK("session.unlock", EventClass.USER_AUTHENTICATION, Subtype.LOGIN, 'E'),
    ACCESS_DENIED("access.denied", EventClass.SECURITY_ALERT, null, 'E'),
    ACCESS_REFUSALS("access.refusals", EventClass.SECURITY_ALERT, null, 'E'),
    STUDY_VIEW("study.view", EventClass.PATIENT_RECORD, null, 'R'),
    STUDY_IMAGE("study.image", EventClass.PATIENT_RECORD, null, 'R'),
    /** A radiologist starts reading a study (Task in progress, they are its owner). */
    STUDY_CLAIM("study.claim", EventClass.PATIENT_RECORD, Subtype.RESTFUL_UPDATE, 'U'),
    /** An AI finding's occlusion heatmap shown in the viewer. */
    HEATMAP_VIEW("heatmap.view", EventClass.PATIENT_RECORD, null, 'R'),
    TASK_UPDATE("task.update", EventClass.PATIENT_RECORD, Subtype.RESTFUL_UPDATE, 'U'),
    FINDING_FEEDBACK("finding.feedback", EventClass.PATIENT_RECORD, null, 'U'),
    FHIR_READ("fhir.read", EventClass.PATIENT_RECORD, Subtype.RESTFUL_READ, 'R'),
    FHIR_SEARCH("fhir.search", EventClass.PATIENT_RECORD, Subtype.RESTFUL_SEARCH, 'E'),
    WORKLIST_READ("worklist.read", EventClass.PATIENT_RECORD, Subtype.RESTFUL_SEARCH, 'E'),
    MODEL_LOAD("model.load", EventClass.APPLICATION_ACTIVITY, null, 'E'),
    MODEL_RELOAD("model.reload", EventClass.APPLICATION_ACTIVITY, null, 'E'),
    SYSTEM_START("system.start", EventClass.APPLICATION_ACTIVITY, null, 'E'),
    CONFIG_CHANGE("config.change", EventClass.APPLICATION_ACTIVITY, null, 'U'),
    USER_ADD("user.add", EventClass.SECURITY_ALERT, Subtype.USER_SECURITY_ATTRIBUTES_CHANGED, 'C'),
    USER_DISABLE("user.disable", EventClass.SECURITY_ALERT, Subtype.USER_SECURITY_ATTRIBUTES_CHANGED, 'U'),
    USER_ENABLE("user.enable", EventClass.SECURITY_ALERT, Subtype.USER_SECURITY_ATTRIBUTES_CHANGED, 'U'),
    USER_PASSWD("user.passwd", EventClass.SECURITY_ALERT, Subtype.USER_SECURITY_ATTRIBUTES_CHANGED, 'U'),
    AUDIT_READ("audit.read", EventClass.AUDIT_LOG_USED, null, 'R'),
    AUDIT_EXPORT("audit.export", EventClass.EXPORT, null, 'R'),
    RETENTION_PURGE("retention.purge", EventClass.STUDY_DELETED, null, 'D'),
    /** Population monitoring's status became warning (from ok or from alarm); details: the reasons. */
    MONITOR_WARNING("monitor.warning", EventClass.APPLICATION_ACTIVITY, null, 'E'),
    /** Population monitoring raised an alarm; details: the reasons. */
    MONITOR_ALARM("monitor.alarm", EventClass.APPLICATION_ACTIVITY, null, 'E'),
    /** Population monitoring went back to ok. */
    MONITOR_CLEAR("monitor.clear", EventClass.APPLICATION_ACTIVITY, null, 'E'),
    /** An administrator acknowledged the standing alarm, with a reason. */
    MONITOR_ACKNOWLEDGE("monitor.acknowledge", EventClass.APPLICATION_ACTIVITY, null, 'U'),
    /** The stop rule suspended AI triage (no priority raised by the AI). */
    MONITOR_SUSPEND("monitor.suspend", EventClass.APPLICATION_ACTIVITY, null, 'U'),
    /** The suspension of AI triage ended. */
    MONITOR_RESUME("monitor.resume", EventClass.APPLICATION_ACTIVITY, null, 'U'),
    /** A model-performance report was written. */
    MONITOR_REPORT("monitor.report", EventClass.EXPORT, null, 'R'),
    /** A study's result reached a destination (PACS, RIS, webhook, mailbox): data left the system. */
    RESULT_SENT("result.sent", EventClass.EXPORT, null, 'R'),
    /** An attempt to send a study's result failed (retried later, or given up). */
    RESULT_FAILED("result.failed", EventClass.EXPORT, null, 'R'),
    /** Somebody re-queued failed deliveries. */
    RESULT_RETRY("result.retry", EventClass.APPLICATION_ACTIVITY, null, 'U'),
    /** A model version was verified and installed beside the others; details: version, SHA-256, reason. */
    MODEL_INSTALL("model.install", EventClass.APPLICATION_ACTIVITY, null, 'C'),
    /** A model version changed rollout state (shadow, canary, active, ...); details: reason and evidence. */
    MODEL_STAGE("model.stage", EventClass.APPLICATION_ACTIVITY, null, 'U'),
    /** An administrator rolled a model back to its previous version; details: reason. */
    MODEL_ROLLBACK("model.rollback", EventClass.APPLICATION_ACTIVITY, null, 'U'),
    /** A canary went back to shadow by itself because its monitoring reached the stop rule. */
    MODEL_AUTO_ROLLBACK("model.auto-rollback", EventClass.APPLICATION_ACTIVITY, null, 'U'),
    /**
     * An administrator viewed a model version's comparison with the active version, which lists the
     * disagreeing studies (accession number, study UID, scores; no names); resources: their Tasks.
     */
    MODEL_COMPARISON("model.comparison", EventClass.PATIENT_RECORD, Subtype.RESTFUL_SEARCH, 'E'),
    /** An operations notice (no patient data, e.g. an automatic rollback) reached a webhook or mailbox. */
    NOTICE_SENT("notice.sent", EventClass.EXPORT, null, 'R'),
    /** An attempt to send an operations notice failed (retried later, or given up). */
    NOTICE_FAILED("notice.failed", EventClass.EXPORT, null, 'R');

    /** DICOM audit event types (PS3.15 A.5) that FHIR R4's audit-event-type value set takes. */
    public enum EventClass {
        APPLICATION_ACTIVITY("110100", "Application Activity"),
        AUDIT_LOG_USED("110101", "Audit Log Used"),
        INSTANCES_TRANSFERRED("110104", "DICOM Instances Transferred"),
        STUDY_DELETED("110105", "DICOM Study Deleted"),
        EXPORT("110106", "Export"),
        PATIENT_RECORD("110110", "Patient Record"),
        SECURITY_ALERT("110113", "Security Alert"),
        USER_AUTHENTICATION("110114", "User Authentication");

        private final String code;
        private final String display;

        EventClass(String code, String display) {
            this.code = code;
            this.display = display;
        }

        public String code() {
            return code;
        }

        public String display() {
            return display;
        }
    }

    /** Subtypes: DICOM event type codes, or FHIR RESTful interactions as IHE BALP uses them. */
    public enum Subtype {
        LOGIN(false, "110122", "Login"),
        LOGOUT(false, "110123", "Logout"),
        // R4's DICOM code system spells it with a lower-case "security".
        USER_SECURITY_ATTRIBUTES_CHANGED(false, "110137", "User security Attributes Changed"),
        RESTFUL_READ(true, "read", "read"),
        RESTFUL_SEARCH(true, "search-type", "search-type"),
        RESTFUL_UPDATE(true, "update", "update");

        private final boolean restful;
        private final String code;
        private final String display;

        Subtype(boolean restful, String code, String display) {
            this.restful = restful;
            this.code = code;
            this.display = display;
        }

        /** True for a FHIR RESTful interaction, false for a DICOM event type code. */
        public boolean restful() {
            return restful;
        }

        public String code() {
            return code;
        }

        public String display() {
            return display;
        }
    }

    private static final Map<String, AuditAction> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(AuditAction::code, Function.identity()));

    private final String code;
    private final EventClass eventClass;
    private final Subtype subtype;
    private final char crude;

    AuditAction(String code, EventClass eventClass, Subtype subtype, char crude) {
        this.code = code;
        this.eventClass = eventClass;
        this.subtype = subtype;
        this.crude = crude;
    }

    /** The code stored in {@code audit_record.action}. */
    public String code() {
        return code;
    }

    public EventClass eventClass() {
        return eventClass;
    }

    public Optional<Subtype> subtype() {
        return Optional.ofNullable(subtype);
    }

    /** C, R, U, D or E (FHIR AuditEvent.action). */
    public char crude() {
        return crude;
    }

    public static Optional<AuditAction> of(String code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }
}
