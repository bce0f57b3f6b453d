package org.cxrtriage.app.security;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Slows password guessing: after {@value #PER_NAME} failed sign-ins for one user name, or
 * {@value #PER_SOURCE} from one address, within {@link #WINDOW}, further attempts are refused, even
 * with the right password, until the window has passed. Failures live in the database, so every
 * node of a cluster counts the same attempts.
 */
@Singleton
public final class LoginThrottle {

    static final int PER_NAME = 5;
    static final int PER_SOURCE = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final DataSource dataSource;

    public LoginThrottle(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** How long the caller must wait before trying again, if it is throttled now. */
    public Optional<Duration> wait(String name, String source) throws SQLException {
        Instant since = Instant.now().minus(WINDOW);
        try (Connection connection = dataSource.getConnection()) {
            Optional<Instant> byName = blockedSince(connection, "name", name, PER_NAME, since);
            Optional<Instant> bySource = blockedSince(connection, "source", source, PER_SOURCE, since);
            return byName.or(() -> bySource)
                    .map(oldest -> Duration.between(Instant.now(), oldest.plus(WINDOW)))
                    .map(wait -> wait.isNegative() ? Duration.ofSeconds(1) : wait);
        }
    }

    public void failed(String name, String source) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO login_failure (name, source, failed_at) VALUES (?, ?, ?)")) {
            insert.setString(1, truncate(name == null ? "" : name, 64));
            insert.setString(2, truncate(source, 100));
            insert.setObject(3, Instant.now().atOffset(ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    /** A successful sign-in clears that name's failures. */
    public void succeeded(String name) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM login_failure WHERE name = ?")) {
            delete.setString(1, name);
            delete.executeUpdate();
        }
    }

    @Scheduled(fixedDelay = "10m", initialDelay = "1m")
    void forgetOldFailures() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM login_failure WHERE failed_at < ?")) {
            delete.setObject(1, Instant.now().minus(WINDOW).atOffset(ZoneOffset.UTC));
            delete.executeUpdate();
        }
    }

    /** The oldest failure in the window if there are at least {@code limit} of them. */
    private static Optional<Instant> blockedSince(Connection connection, String column, String value, int limit,
                                                  Instant since) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT failed_at FROM login_failure WHERE "
                + column + " = ? AND failed_at >= ? ORDER BY failed_at DESC LIMIT " + limit)) {
            select.setString(1, value == null ? "" : value);
            select.setObject(2, since.atOffset(ZoneOffset.UTC));
            Instant oldest = null;
            int count = 0;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    count++;
                    oldest = rows.getObject(1, java.time.OffsetDateTime.class).toInstant();
                }
            }
            return count >= limit ? Optional.of(oldest) : Optional.empty();
        }
    }

    private static String truncate(String value, int length) {
        return value.length() <= length ? value : value.substring(0, length);
    }
}
