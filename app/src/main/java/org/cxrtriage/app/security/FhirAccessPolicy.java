package org.cxrtriage.app.security;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;

import java.util.Optional;

/**
 * Which permission each FHIR interaction needs. Anonymous callers get the CapabilityStatement only;
 * AuditEvent needs audit rights; changes need worklist-write; every other read needs worklist-read.
 */
public final class FhirAccessPolicy {

    private FhirAccessPolicy() {
    }

    /** Paths (below /fhir) anybody may call: the CapabilityStatement. */
    public static boolean isOpen(String pathInfo) {
        return "/metadata".equals(pathInfo) || "/metadata/".equals(pathInfo);
    }

    /** The permission for an interaction; empty for the open ones. */
    public static Optional<Permission> needed(RestOperationTypeEnum operation, String resourceType) {
        if (operation == RestOperationTypeEnum.METADATA) {
            return Optional.empty();
        }
        if ("AuditEvent".equals(resourceType)) {
            return Optional.of(Permission.AUDIT_READ);
        }
        return switch (operation) {
            case READ, VREAD, SEARCH_TYPE, SEARCH_SYSTEM, HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM, GET_PAGE ->
                    Optional.of(Permission.WORKLIST_READ);
            default -> Optional.of(Permission.WORKLIST_WRITE);
        };
    }
}
