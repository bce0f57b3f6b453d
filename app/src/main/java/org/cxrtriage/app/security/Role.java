package org.cxrtriage.app.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The four kinds of user and what each may do. Least privilege: administrators run the system but
 * do not read patient data; compliance officers read the worklist (to investigate) and the audit
 * log, but change nothing; integration clients only read.
 */
public enum Role {
    RADIOLOGIST(Permission.WORKLIST_READ, Permission.WORKLIST_WRITE),
    COMPLIANCE(Permission.WORKLIST_READ, Permission.AUDIT_READ, Permission.MONITORING_READ),
    ADMIN(Permission.USER_ADMIN, Permission.MODEL_ADMIN, Permission.MODEL_COMPARISON, Permission.SERVER_ADMIN, Permission.METRICS_READ, Permission.MONITORING_READ,
            Permission.MONITORING_ACKNOWLEDGE, Permission.DELIVERY_ADMIN),
    INTEGRATION(Permission.WORKLIST_READ, Permission.METRICS_READ, Permission.MONITORING_READ);

    private final Set<Permission> permissions;

    Role(Permission... permissions) {
        this.permissions = EnumSet.copyOf(Arrays.asList(permissions));
    }

    public boolean allows(Permission permission) {
        return permissions.contains(permission);
    }

    /** Parses a role name in any case; the message lists the valid names. */
    public static Role parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown role '" + name + "': use one of "
                    + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
    }
}
