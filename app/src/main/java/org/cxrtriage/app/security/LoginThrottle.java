package org.cxrtriage.app.security;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Slows password guessing per (user name, address) pair. Before a password is checked the
 * attempt is admitted under a row lock: it counts as pending, and no more than {@value #FREE_ATTEMPTS}
 * attempts (failed plus still being checked) are admitted for a pair, so parallel guesses cannot
 * all be checked. From the {@value #FREE_ATTEMPTS}th consecutive failure on, the pair is blocked
 * for {@link #FIRST_BLOCK}, doubling with every further failure up to {@link #LONGEST_BLOCK}.
 * Only that pair is blocked: the same user signing in from an address without failures, or other
 * people behind the same address, are not. A success clears the pair. State lives in the
 * database, so all nodes count together.
 */
@Singleton
public final class LoginThrottle {

    static final int FREE_ATTEMPTS = 5;
    static final Duration FIRST_BLOCK = Duration.ofSeconds(30);
    static final Duration LONGEST_BLOCK = Duration.ofMinutes(15);
    /** An attempt still pending after this long belonged to a node that stopped; it no longer counts. */
    private static final Duration PENDING_EXPIRY = Duration.ofSeconds(30);

    /** An attempt that may go on to the password check. */
    public record Ticket(String name, String source) {
    }

    /** The answer to "may this attempt be checked?". */
    public sealed interface Admission {
        record Admitted(Ticket ticket) implements Admission {
        }

        /** Refused without checking; {@code retryAfter} says when the pair may try again. */
        record Refused(Duration retryAfter) implements Admission {
        }
    }

    /** What a failure did: the block that now applies, and whether it started with this failure. */
    public record Failure(int consecutive, Optional<Duration> blockedFor) {
        public boolean startsBlock() {
            return blockedFor.isPresent() && consecutive == FREE_ATTEMPTS;
        }
    }

    private final Sql sql;

    public LoginThrottle(Sql sql) {
        this.sql = sql;
    }

    public Admission admit(String name, String source, Instant now) throws SQLException {
        Ticket ticket = new Ticket(bound(name, 64), bound(source, 100));
        return sql.inTransaction(connection -> {
            State state = lock(connection, ticket);
            if (state.blockedUntil != null && now.isBefore(state.blockedUntil)) {
                return new Admission.Refused(Duration.between(now, state.blockedUntil));
            }
            int pending = state.pendingSince != null && now.isAfter(state.pendingSince.plus(PENDING_EXPIRY)) ? 0 : state.pending;
            if (state.failures + pending >= FREE_ATTEMPTS) {
                return new Admission.Refused(state.failures >= FREE_ATTEMPTS ? block(state.failures) : Duration.ofSeconds(1));
            }
            Sql.update(connection, "UPDATE login_throttle SET pending = ?, pending_since = ? WHERE name = ? AND source = ?",
                    pending + 1, utc(now), ticket.name(), ticket.source());
            return new Admission.Admitted(ticket);
        });
    }

    /** The admitted attempt had the right password: the pair starts afresh. */
    public void succeeded(Ticket ticket) throws SQLException {
        sql.update("DELETE FROM login_throttle WHERE name = ? AND source = ?", ticket.name(), ticket.source());
    }

    /** The admitted attempt failed; from the fifth consecutive failure on the pair is blocked. */
    public Failure failed(Ticket ticket, Instant now) throws SQLException {
        return sql.inTransaction(connection -> {
            State state = lock(connection, ticket);
            int failures = state.failures + 1;
            Optional<Duration> block = failures >= FREE_ATTEMPTS ? Optional.of(block(failures)) : Optional.empty();
            Sql.update(connection, """
                    UPDATE login_throttle SET failures = ?, pending = ?, last_failure_at = ?, blocked_until = ?
                     WHERE name = ? AND source = ?""", failures, Math.max(0, state.pending - 1), utc(now),
                    block.map(b -> utc(now.plus(b))).orElse(null), ticket.name(), ticket.source());
            return new Failure(failures, block);
        });
    }

    /** The block after {@code failures} consecutive failures: 30 s, 1 min, 2 min, ... at most 15 min. */
    static Duration block(int failures) {
        int doublings = Math.min(failures - FREE_ATTEMPTS, 10);
        Duration block = FIRST_BLOCK.multipliedBy(1L << Math.max(0, doublings));
        return block.compareTo(LONGEST_BLOCK) > 0 ? LONGEST_BLOCK : block;
    }

    /** Pairs that have not failed for a day start afresh. */
    @Scheduled(fixedDelay = "10m", initialDelay = "1m")
    void forgetOldFailures() throws SQLException {
        sql.update("DELETE FROM login_throttle WHERE pending = 0 AND last_failure_at < ?",
                utc(Instant.now().minus(Duration.ofDays(1))));
    }

    private record State(int failures, int pending, Instant pendingSince, Instant blockedUntil) {
    }

    /** Locks the pair's row, creating it first if it does not exist. */
    private static State lock(Connection connection, Ticket ticket) throws SQLException {
        Sql.update(connection, "INSERT INTO login_throttle (name, source, failures, pending) VALUES (?, ?, 0, 0)"
                + " ON CONFLICT DO NOTHING", ticket.name(), ticket.source());
        return Sql.queryOne(connection, """
                SELECT failures, pending, pending_since, blocked_until FROM login_throttle
                 WHERE name = ? AND source = ? FOR UPDATE""", row -> new State(row.getInt(1), row.getInt(2),
                instant(row.getObject(3, OffsetDateTime.class)), instant(row.getObject(4, OffsetDateTime.class))),
                ticket.name(), ticket.source()).orElseThrow();
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Names and addresses come from the network: no control characters (PostgreSQL refuses NUL), bounded. */
    private static String bound(String value, int length) {
        String text = value == null ? "" : value.replaceAll("\\p{Cntrl}", "?");
        return text.length() <= length ? text : text.substring(0, length);
    }
}
