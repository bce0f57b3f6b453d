package org.cxrtriage.app.security;

import org.cxrtriage.compliance.AuditAction;
import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.compliance.chain.AuditLog;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Users, their roles and bcrypt password hashes in the database. The server and the command line
 * ({@code ./cxr-triage user ...}) share it, so users can be managed whether or not the server runs.
 * Every change is audited in the same transaction as the change itself.
 */
@jakarta.inject.Singleton
public final class UserStore {

    /** bcrypt work factor: about a quarter of a second per check on a server core. */
    static final int COST = 12;
    public static final int MIN_PASSWORD_LENGTH = 12;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2B;
    // Compared against when the user does not exist, so unknown names take as long as wrong passwords.
    private static final String DUMMY_HASH = hash("not a password of anybody".toCharArray());

    /**
     * A user as stored, without the hash.
     *
     * @param mustChangePassword the password was last set by somebody else; see {@link Principal#ownPassword()}
     */
    public record User(String name, Role role, boolean disabled, int sessionEpoch, Instant createdAt, Instant changedAt,
                       boolean mustChangePassword) {
    }

    /** Who makes a change: a signed-in user, or the operating-system account running the CLI. */
    public record Actor(String type, String name, String source) {

        public static Actor commandLine() {
            return new Actor("USER", "os:" + System.getProperty("user.name", "unknown"), "command line");
        }

        public static Actor system() {
            return new Actor("SYSTEM", "cxr-triage", null);
        }
    }

    /** A request the store refuses, with a message for the person who made it. */
    public static final class UserException extends Exception {
        public UserException(String message) {
            super(message);
        }
    }

    private final Sql sql;
    private final AuditLog audit;

    public UserStore(Sql sql, AuditLog audit) {
        this.sql = sql;
        this.audit = audit;
    }

    /** A user store outside the server (the command line), on the database behind {@code dataSource}. */
    public static UserStore on(DataSource dataSource) {
        return new UserStore(new Sql(dataSource), new AuditLog(dataSource));
    }

    /**
     * Adds a user with a password chosen by {@code by}. Separation of duties: the account may sign in
     * with it, but reads no patient data until its owner has replaced it ({@link #changeOwnPassword}).
     */
    public void add(String name, Role role, char[] password, Actor by) throws UserException, SQLException {
        checkName(name);
        checkPassword(password);
        Instant now = Instant.now();
        String hash = hash(password);
        sql.inTransaction(connection -> {
            if (find(connection, name).isPresent()) {
                throw new UserException("user '" + name + "' already exists; use 'user passwd' to change the password");
            }
            Sql.update(connection, """
                    INSERT INTO app_user (name, role, password_hash, disabled, session_epoch, created_at, changed_at,
                                          must_change_password)
                    VALUES (?, ?, ?, FALSE, 0, ?, ?, TRUE)""", name, role.name(), hash, now.atOffset(ZoneOffset.UTC),
                    now.atOffset(ZoneOffset.UTC));
            audit(connection, by, AuditAction.USER_ADD, name, "role " + role.name()
                    + "; no patient data until the user sets their own password");
            return null;
        });
    }

    /**
     * Resets a user's password to one chosen by {@code by}: every session of the user ends, and the
     * account reads no patient data until its owner has set their own password again.
     */
    public void passwd(String name, char[] password, Actor by) throws UserException, SQLException {
        checkPassword(password);
        String hash = hash(password);
        sql.inTransaction(connection -> {
            update(connection, name, "password_hash = ?, must_change_password = TRUE", hash);
            SessionStore.revokeAll(connection, name, "password reset", Instant.now());
            audit(connection, by, AuditAction.USER_PASSWD, name,
                    "password reset; existing sessions ended; no patient data until the user sets their own password");
            return null;
        });
    }

    /**
     * The user replaces their password, proving the current one: from then on only they know it, and
     * the account gets the patient-data rights of its role. Every session ends (the caller opens a new one).
     */
    public void changeOwnPassword(String name, char[] current, char[] next, String source)
            throws UserException, SQLException {
        checkPassword(next);
        if (java.util.Arrays.equals(current, next)) {
            throw new UserException("the new password must differ from the current one");
        }
        if (check(name, current).isEmpty()) {
            throw new UserException("the current password is not right");
        }
        String hash = hash(next);
        sql.inTransaction(connection -> {
            update(connection, name, "password_hash = ?, must_change_password = FALSE", hash);
            SessionStore.revokeAll(connection, name, "password changed by its owner", Instant.now());
            audit(connection, new Actor("USER", name, source), AuditAction.USER_PASSWD, name,
                    "the user set their own password; existing sessions ended");
            return null;
        });
    }

    /**
     * Disables or enables a user. Nobody disables their own account (an administrator would lock
     * themselves out mid-session), nor the last active administrator.
     */
    public void setDisabled(String name, boolean disabled, Actor by) throws UserException, SQLException {
        if (disabled && "USER".equals(by.type()) && by.name().equals(name)) {
            throw new UserException("you cannot disable your own account; another administrator can");
        }
        sql.inTransaction(connection -> {
            if (disabled && isLastActiveAdmin(connection, name)) {
                throw new UserException("'" + name + "' is the last active administrator; add another ADMIN first");
            }
            update(connection, name, "disabled = ?", disabled);
            if (disabled) {
                SessionStore.revokeAll(connection, name, "user disabled", Instant.now());
            }
            audit(connection, by, disabled ? AuditAction.USER_DISABLE : AuditAction.USER_ENABLE, name,
                    disabled ? "disabled; existing sessions ended" : "enabled");
            return null;
        });
    }

    public List<User> list() throws SQLException {
        return sql.query(SELECT + " ORDER BY name", UserStore::user);
    }

    public Optional<User> find(String name) throws SQLException {
        return sql.queryOne(SELECT + " WHERE name = ?", UserStore::user, name);
    }

    public boolean isEmpty() throws SQLException {
        return sql.queryOne("SELECT COUNT(*) FROM app_user", row -> row.getLong(1)).orElse(0L) == 0;
    }

    /**
     * The user if the password is right and the account enabled. Takes the same time for unknown
     * names as for wrong passwords.
     */
    public Optional<User> check(String name, char[] password) throws SQLException {
        String stored = null;
        User user = null;
        if (name != null && NAME.matcher(name).matches()) {
            Optional<Object[]> found = sql.queryOne(SELECT_WITH_HASH + " WHERE name = ?",
                    row -> new Object[] {user(row), row.getString("password_hash")}, name);
            if (found.isPresent()) {
                user = (User) found.get()[0];
                stored = (String) found.get()[1];
            }
        }
        boolean verified = BCrypt.verifyer(VERSION, LongPasswordStrategies.hashSha512(VERSION))
                .verify(password == null ? new char[0] : password, stored == null ? DUMMY_HASH : stored).verified;
        return verified && user != null && !user.disabled() ? Optional.of(user) : Optional.empty();
    }

    private static final String SELECT =
            "SELECT name, role, disabled, session_epoch, created_at, changed_at, must_change_password FROM app_user";
    private static final String SELECT_WITH_HASH = "SELECT name, role, disabled, session_epoch, created_at, changed_at,"
            + " must_change_password, password_hash FROM app_user";

    private static Optional<User> find(Connection connection, String name) throws SQLException {
        return Sql.queryOne(connection, SELECT + " WHERE name = ?", UserStore::user, name);
    }

    private static boolean isLastActiveAdmin(Connection connection, String name) throws SQLException {
        return Sql.query(connection, "SELECT name FROM app_user WHERE role = 'ADMIN' AND disabled = FALSE FOR UPDATE",
                row -> row.getString(1)).equals(List.of(name));
    }

    private static User user(ResultSet row) throws SQLException {
        return new User(row.getString("name"), Role.valueOf(row.getString("role")), row.getBoolean("disabled"),
                row.getInt("session_epoch"), row.getObject("created_at", OffsetDateTime.class).toInstant(),
                row.getObject("changed_at", OffsetDateTime.class).toInstant(), row.getBoolean("must_change_password"));
    }

    private static void update(Connection connection, String name, String assignment, Object value)
            throws SQLException, UserException {
        if (Sql.update(connection, "UPDATE app_user SET " + assignment + ", session_epoch = session_epoch + 1, changed_at = ?"
                + " WHERE name = ?", value, OffsetDateTime.now(ZoneOffset.UTC), name) == 0) {
            throw new UserException("no user '" + name + "'; 'user list' shows who exists");
        }
    }

    private void audit(Connection connection, Actor by, AuditAction action, String name, String details) throws SQLException {
        audit.append(connection, new AuditEntry(Instant.now(), by.type(), by.name(), action.code(), null,
                List.of("User/" + name), "SUCCESS", by.source(), details));
    }

    private static void checkName(String name) throws UserException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new UserException("user name '" + name + "' is not allowed: use 1 to 64 letters, digits, '.', '_', '@'"
                    + " or '-', starting with a letter or digit");
        }
    }

    static void checkPassword(char[] password) throws UserException {
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            throw new UserException("the password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.length > 1024) {
            throw new UserException("the password must have at most 1024 characters");
        }
    }

    static String hash(char[] password) {
        return BCrypt.with(VERSION, LongPasswordStrategies.hashSha512(VERSION)).hashToString(COST, password);
    }
}
