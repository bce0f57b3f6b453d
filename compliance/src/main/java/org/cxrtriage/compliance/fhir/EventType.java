package org.cxrtriage.compliance.fhir;

import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;

import java.util.Map;
import java.util.Optional;

import static org.hl7.fhir.r4.model.AuditEvent.AuditEventAction.C;
import static org.hl7.fhir.r4.model.AuditEvent.AuditEventAction.D;
import static org.hl7.fhir.r4.model.AuditEvent.AuditEventAction.E;
import static org.hl7.fhir.r4.model.AuditEvent.AuditEventAction.R;
import static org.hl7.fhir.r4.model.AuditEvent.AuditEventAction.U;

/**
 * How an audit action is classified in an AuditEvent: the DICOM event type (PS3.15 A.5, the codes
 * FHIR R4's audit-event-type value set takes), an optional subtype (a DICOM event type code, or a
 * FHIR restful interaction for FHIR API calls, as IHE BALP does) and the CRUDE action code.
 *
 * @param subtype empty when the type says it all
 */
record EventType(Code type, Optional<Code> subtype, AuditEventAction action) {

    private static final Code APPLICATION_ACTIVITY = Code.dcm("110100", "Application Activity");
    private static final Code AUDIT_LOG_USED = Code.dcm("110101", "Audit Log Used");
    private static final Code INSTANCES_TRANSFERRED = Code.dcm("110104", "DICOM Instances Transferred");
    private static final Code STUDY_DELETED = Code.dcm("110105", "DICOM Study Deleted");
    private static final Code EXPORT = Code.dcm("110106", "Export");
    private static final Code PATIENT_RECORD = Code.dcm("110110", "Patient Record");
    private static final Code SECURITY_ALERT = Code.dcm("110113", "Security Alert");
    private static final Code USER_AUTHENTICATION = Code.dcm("110114", "User Authentication");
    private static final Code LOGIN = Code.dcm("110122", "Login");
    private static final Code LOGOUT = Code.dcm("110123", "Logout");
    // R4's DICOM code system spells it with a lower-case "security".
    private static final Code USER_SECURITY_ATTRIBUTES_CHANGED = Code.dcm("110137", "User security Attributes Changed");

    /** Actions the application records; anything else is reported as application activity. */
    private static final Map<String, EventType> BY_ACTION = Map.ofEntries(
            Map.entry("dicom.association", of(INSTANCES_TRANSFERRED, E)),
            Map.entry("dicom.store", of(INSTANCES_TRANSFERRED, C)),
            Map.entry("triage.scored", of(PATIENT_RECORD, C)),
            Map.entry("triage.not-scored", of(PATIENT_RECORD, C)),
            Map.entry("triage.failed", of(PATIENT_RECORD, C)),
            Map.entry("login", of(USER_AUTHENTICATION, LOGIN, E)),
            Map.entry("login.failed", of(USER_AUTHENTICATION, LOGIN, E)),
            Map.entry("logout", of(USER_AUTHENTICATION, LOGOUT, E)),
            Map.entry("login.blocked", of(SECURITY_ALERT, E)),
            Map.entry("access.denied", of(SECURITY_ALERT, E)),
            Map.entry("access.refusals", of(SECURITY_ALERT, E)),
            Map.entry("study.view", of(PATIENT_RECORD, R)),
            Map.entry("task.update", of(PATIENT_RECORD, Code.restful("update"), U)),
            Map.entry("finding.feedback", of(PATIENT_RECORD, U)),
            Map.entry("fhir.read", of(PATIENT_RECORD, Code.restful("read"), R)),
            Map.entry("fhir.search", of(PATIENT_RECORD, Code.restful("search-type"), E)),
            Map.entry("worklist.read", of(PATIENT_RECORD, Code.restful("search-type"), E)),
            Map.entry("study.image", of(PATIENT_RECORD, R)),
            Map.entry("model.load", of(APPLICATION_ACTIVITY, E)),
            Map.entry("system.start", of(APPLICATION_ACTIVITY, E)),
            Map.entry("model.reload", of(APPLICATION_ACTIVITY, E)),
            Map.entry("config.change", of(APPLICATION_ACTIVITY, U)),
            // 110137 is a subtype of Security Alert in PS3.15 and not in R4's event type value set.
            Map.entry("user.add", of(SECURITY_ALERT, USER_SECURITY_ATTRIBUTES_CHANGED, C)),
            Map.entry("user.disable", of(SECURITY_ALERT, USER_SECURITY_ATTRIBUTES_CHANGED, U)),
            Map.entry("user.enable", of(SECURITY_ALERT, USER_SECURITY_ATTRIBUTES_CHANGED, U)),
            Map.entry("user.passwd", of(SECURITY_ALERT, USER_SECURITY_ATTRIBUTES_CHANGED, U)),
            Map.entry("audit.read", of(AUDIT_LOG_USED, R)),
            Map.entry("audit.export", of(EXPORT, R)),
            Map.entry("retention.purge", of(STUDY_DELETED, D)));

    private static final EventType UNKNOWN = of(APPLICATION_ACTIVITY, E);

    static EventType forAction(String action) {
        return BY_ACTION.getOrDefault(action, UNKNOWN);
    }

    /** True when {@code action} has a mapping of its own rather than the application-activity fallback. */
    static boolean known(String action) {
        return BY_ACTION.containsKey(action);
    }

    private static EventType of(Code type, AuditEventAction action) {
        return new EventType(type, Optional.empty(), action);
    }

    private static EventType of(Code type, Code subtype, AuditEventAction action) {
        return new EventType(type, Optional.of(subtype), action);
    }
}
