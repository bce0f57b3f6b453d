package org.cxrtriage.app.security;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.OwnerOnlyFiles;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.security.UserStore.Actor;
import org.cxrtriage.app.security.UserStore.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;

/**
 * First start: with no users at all, creates the administrator {@code admin} with a random
 * password, prints it once on the console and writes it to {@code <data>/initial-admin-password}
 * (readable by the server's account only). The administrator then adds the real users with
 * {@code ./cxr-triage user add}.
 */
@Singleton
@Requires(property = "triage.users.bootstrap", notEquals = "false")
public final class UserBootstrap {

    private static final Logger log = LoggerFactory.getLogger(UserBootstrap.class);
    static final String ADMIN = "admin";
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private final UserStore users;
    private final Path passwordFile;

    public UserBootstrap(UserStore users, StorageConfig storage) {
        this.users = users;
        this.passwordFile = storage.dataDir().resolve("initial-admin-password");
    }

    @EventListener
    void onStartup(StartupEvent event) throws SQLException, IOException {
        if (!users.isEmpty()) {
            return;
        }
        char[] password = randomPassword(20);
        try {
            users.add(ADMIN, Role.ADMIN, password, Actor.system());
        } catch (UserException e) {
            log.info("another node created the first administrator: {}", e.getMessage());
            return;
        } catch (SQLException e) {
            if (!users.isEmpty()) {
                log.info("another node created the first administrator at the same time");
                return;
            }
            throw e;
        }
        java.nio.file.Files.deleteIfExists(passwordFile);
        OwnerOnlyFiles.write(passwordFile, new String(password) + "\n");
        // Only to a terminal, never through the log or into a redirected output (a log file by another name).
        java.io.Console console = System.console();
        if (console != null) {
            console.printf("%n  cxr-triage: first start, created the administrator '%s' with the password%n%n      %s%n%n"
                    + "  It is shown once here and kept in %s (readable by this account only).%n"
                    + "  Add users with ./cxr-triage user add NAME --role RADIOLOGIST --password-stdin, then delete that file.%n%n",
                    ADMIN, new String(password), passwordFile);
            console.flush();
        }
        log.warn("created the first administrator '{}'; its password is in {} (readable by this account only)", ADMIN,
                passwordFile);
    }

    static char[] randomPassword(int length) {
        SecureRandom random = new SecureRandom();
        char[] password = new char[length];
        for (int i = 0; i < length; i++) {
            password[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return password;
    }
}
