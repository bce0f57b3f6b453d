package org.cxrtriage.app.security;

/** A signed-in user as a request sees it. */
public record Principal(String name, Role role) {

    public boolean may(Permission permission) {
        return role.allows(permission);
    }
}
