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

    static void addTo(DataSource dataSource) throws Exception {
        UserStore users = new UserStore(dataSource);
        for (Role role : Role.values()) {
            if (role != Role.ADMIN && users.find(name(role)).isEmpty()) {
                users.add(name(role), role, password(role, null).toCharArray(), UserStore.Actor.system());
            }
        }
    }
}
