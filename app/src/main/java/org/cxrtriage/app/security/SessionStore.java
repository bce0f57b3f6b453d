package org.cxrtriage.app.security;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.SessionConfig;
import org.cxrtriage.app.db.Sql;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Sessions kept in the database, so every node sees the same ones and ending a session takes
 * effect at once everywhere. A token is 256 random bits; only its SHA-256 is stored, so a copy of
 * the table holds no usable token. A session is valid until it is revoked (sign-out, password
 * change, user disabled), unused for the idle timeout, or older than the maximum age.
 */
@Singleton
public final class SessionStore {

    /** How often {@code last_seen_at} is written; idle expiry is exact to within this. */
    private static final Duration TOUCH_EVERY = Duration.ofSeconds(30);
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    private record Stored(String user, Instant lastSeen, Instant expiresAt) {
    }

    /** A live session and whose it is. */
    public record Session(String id, String user, Instant expiresAt) {
    }

    private final Sql sql;
    private final SessionConfig config;
    private final SecureRandom random = new SecureRandom();

    public SessionStore(Sql sql, SessionConfig config) {
        this.sql = sql;
        this.config = config;
    }

    public SessionConfig config() {
        return config;
    }

    /** Opens a session for a user who has just proved who they are; returns its token. */
    public String open(String user, String kind, String source, Instant now) throws SQLException {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        sql.update("""
                INSERT INTO user_session (id, user_name, kind, source, created_at, last_seen_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", idOf(token), user, kind,
                source == null || source.length() <= 100 ? source : source.substring(0, 100), utc(now), utc(now),
                utc(now.plus(config.maxAge())));
        return token;
    }

    /** The live session a token belongs to; marks it used. Empty for unknown, revoked or expired tokens. */
    public Optional<Session> find(String token, Instant now) throws SQLException {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return Optional.empty();
        }
        String id = idOf(token);
        Optional<Stored> stored = sql.queryOne("SELECT user_name, last_seen_at, expires_at FROM user_session"
                + " WHERE id = ? AND revoked_at IS NULL", row -> new Stored(row.getString(1),
                row.getObject(2, OffsetDateTime.class).toInstant(), row.getObject(3, OffsetDateTime.class).toInstant()), id);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Instant lastSeen = stored.get().lastSeen();
        Session session = new Session(id, stored.get().user(), stored.get().expiresAt());
        if (!now.isBefore(session.expiresAt()) || !now.isBefore(lastSeen.plus(config.idleTimeout()))) {
            return Optional.empty();
        }
        if (Duration.between(lastSeen, now).compareTo(TOUCH_EVERY) > 0) {
            sql.update("UPDATE user_session SET last_seen_at = ? WHERE id = ? AND revoked_at IS NULL", utc(now), id);
        }
        return Optional.of(session);
    }

    /** Ends the session of this token (sign-out). Returns false when it was not live. */
    public boolean revoke(String token, String reason, Instant now) throws SQLException {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return false;
        }
        return sql.update("UPDATE user_session SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
                utc(now), reason, idOf(token)) == 1;
    }

    /** Ends every live session of a user inside the caller's transaction; returns how many. */
    public static int revokeAll(Connection connection, String user, String reason, Instant now) throws SQLException {
        return Sql.update(connection,
                "UPDATE user_session SET revoked_at = ?, revoked_reason = ? WHERE user_name = ? AND revoked_at IS NULL",
                utc(now), reason, user);
    }

    /** Sessions that ended more than a day ago are of no further use. */
    @Scheduled(fixedDelay = "1h", initialDelay = "5m")
    void forgetEnded() throws SQLException {
        OffsetDateTime dayAgo = utc(Instant.now().minus(Duration.ofDays(1)));
        sql.update("DELETE FROM user_session WHERE expires_at < ? OR revoked_at < ? OR last_seen_at < ?", dayAgo, dayAgo,
                utc(Instant.now().minus(config.idleTimeout()).minus(Duration.ofDays(1))));
    }

    static String idOf(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
