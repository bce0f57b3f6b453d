package org.cxrtriage.app.security;

/**
 * A signed-in user as a request sees it.
 *
 * @param ownPassword false while the password was last set by somebody else (an administrator or the
 *                    command line): the account then reads no patient data until its owner has set
 *                    a password of their own
 */
public record Principal(String name, Role role, boolean ownPassword) {

    public boolean may(Permission permission) {
        return role.allows(permission) && (ownPassword || !permission.touchesPatientData());
    }

    /** Allowed by the role, but withheld until the user sets their own password. */
    public boolean withheldUntilOwnPassword(Permission permission) {
        return role.allows(permission) && !ownPassword && permission.touchesPatientData();
    }
}
