package org.cxrtriage.app.support;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.security.UserStore;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * One user per role for tests: {@code radiologist}, {@code compliance} and {@code integration}
 * with known passwords, added through the same {@link UserStore} as the CLI; the administrator is
 * the {@code admin} the server creates at first start, with the password from its file.
 */
public final class TestUsers {

    private TestUsers() {
    }

    public static String name(Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }

    public static String password(Role role, Path dataDir) {
        if (role == Role.ADMIN) {
            try {
                return Files.readString(dataDir.resolve("initial-admin-password")).trim();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return name(role) + "-secret-pw";
    }

    public static String basic(Role role, Path dataDir) {
        return "Basic " + Base64.getEncoder().encodeToString((name(role) + ":" + password(role, dataDir))
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds the users as an administrator would (with a temporary password), then each sets its own
     * password as its owner would at first sign-in, so they may read patient data.
     */
    public static void addTo(DataSource dataSource) throws Exception {
        UserStore users = UserStore.on(dataSource);
        for (Role role : Role.values()) {
            if (role != Role.ADMIN && users.find(name(role)).isEmpty()) {
                char[] temporary = ("temporary-" + name(role)).toCharArray();
                users.add(name(role), role, temporary, UserStore.Actor.system());
                users.changeOwnPassword(name(role), temporary, password(role, null).toCharArray(), "test set-up");
            }
        }
    }

    /** Another radiologist, with a password of their own: a second reader in the reading room. */
    public static void addRadiologist(DataSource dataSource, String name, String password) throws Exception {
        addWithOwnPassword(dataSource, name, Role.RADIOLOGIST, password);
    }

    /**
     * An administrator with a password of their own, who may open what lists studies (the model
     * comparison); the server's first {@code admin} still has the generated one and may not.
     * Returns the Basic authorization header.
     */
    public static String addAdministrator(DataSource dataSource, String name, String password) throws Exception {
        addWithOwnPassword(dataSource, name, Role.ADMIN, password);
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void addWithOwnPassword(DataSource dataSource, String name, Role role, String password) throws Exception {
        UserStore users = UserStore.on(dataSource);
        char[] temporary = ("temporary-" + name).toCharArray();
        users.add(name, role, temporary, UserStore.Actor.system());
        users.changeOwnPassword(name, temporary, password.toCharArray(), "test set-up");
    }
}
