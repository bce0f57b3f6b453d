package org.cxrtriage.compliance.fhir;

import org.cxrtriage.compliance.AuditAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;

import java.util.Optional;

/**
 * How an audit action appears in an AuditEvent: the type, subtype and CRUDE action that
 * {@link AuditAction} assigns it, as FHIR codes. Actions this version does not know are reported
 * as application activity.
 *
 * @param subtype empty when the type says it all
 */
record EventType(Code type, Optional<Code> subtype, AuditEventAction action) {

    private static final EventType UNKNOWN = new EventType(Code.dcm("110100", "Application Activity"), Optional.empty(),
            AuditEventAction.E);

    static EventType forAction(String action) {
        return AuditAction.of(action).map(EventType::of).orElse(UNKNOWN);
    }

    /** True when {@code action} has a mapping of its own rather than the application-activity fallback. */
    static boolean known(String action) {
        return AuditAction.of(action).isPresent();
    }

    private static EventType of(AuditAction action) {
        Code type = Code.dcm(action.eventClass().code(), action.eventClass().display());
        Optional<Code> subtype = action.subtype().map(s -> s.restful() ? Code.restful(s.code()) : Code.dcm(s.code(), s.display()));
        return new EventType(type, subtype, AuditEventAction.fromCode(String.valueOf(action.crude())));
    }
}
