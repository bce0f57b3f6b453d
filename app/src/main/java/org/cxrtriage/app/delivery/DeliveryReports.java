package org.cxrtriage.app.delivery;

import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;

import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the outbox holds, for {@code /health}, {@code /prometheus}, the administrators' page and
 * the command line. Read-only; no patient data in any of it (study UIDs only where a caller who
 * may see them asks, see {@link Failure#studyUid}).
 */
@Singleton
public final class DeliveryReports {

    /**
     * Deliveries to one destination that are not done.
     *
     * @param pending       waiting for an attempt or being sent
     * @param oldestPending when the oldest of those was queued
     * @param failed        given up or refused for good (until re-queued)
     * @param lastFailure   the last attempt of the most recent failed one
     */
    public record Destination(String kind, String destination, long pending, Optional<Instant> oldestPending, long failed,
                              Optional<Instant> lastFailure) {
    }

    /**
     * A failed delivery.
     *
     * @param studyUid for the command line and auditors; administrators' views leave it out
     * @param error    the last attempt's one-line outcome as the sender gave it (bounded)
     */
    public record Failure(long id, String kind, String destination, String studyUid, int revision, int attempts,
                          String error, Optional<Instant> lastAttempt) {
    }

    private final Sql sql;

    public DeliveryReports(Sql sql) {
        this.sql = sql;
    }

    /** Every destination with pending or failed deliveries, in name order. */
    public List<Destination> destinations() throws SQLException {
        Map<String, Destination> byDestination = new LinkedHashMap<>();
        sql.query("""
                SELECT kind, destination, state, COUNT(*), MIN(queued_at), MAX(last_attempt_at) FROM delivery
                 WHERE state IN ('PENDING', 'SENDING', 'FAILED')
                 GROUP BY kind, destination, state
                 ORDER BY kind, destination""", row -> {
            String key = row.getString(1) + " " + row.getString(2);
            Destination known = byDestination.getOrDefault(key, new Destination(row.getString(1), row.getString(2), 0,
                    Optional.empty(), 0, Optional.empty()));
            long count = row.getLong(4);
            Optional<Instant> queued = instant(row.getObject(5, OffsetDateTime.class));
            Optional<Instant> attempted = instant(row.getObject(6, OffsetDateTime.class));
            byDestination.put(key, "FAILED".equals(row.getString(3))
                    ? new Destination(known.kind(), known.destination(), known.pending(), known.oldestPending(), count, attempted)
                    : new Destination(known.kind(), known.destination(), known.pending() + count,
                            earliest(known.oldestPending(), queued), known.failed(), known.lastFailure()));
            return null;
        });
        return new ArrayList<>(byDestination.values());
    }

    /** The most recently failed deliveries, newest first. */
    public List<Failure> failures(Optional<String> studyUid, int limit) throws SQLException {
        String where = studyUid.isPresent() ? " AND study_instance_uid = ?" : "";
        List<Object> parameters = new ArrayList<>(List.of("FAILED"));
        studyUid.ifPresent(parameters::add);
        parameters.add(limit);
        return sql.query("SELECT id, kind, destination, study_instance_uid, study_revision, attempts, last_error,"
                + " last_attempt_at FROM delivery WHERE state = ?" + where + " ORDER BY last_attempt_at DESC, id DESC LIMIT ?",
                row -> new Failure(row.getLong(1), row.getString(2), row.getString(3), row.getString(4), row.getInt(5),
                        row.getInt(6), row.getString(7), instant(row.getObject(8, OffsetDateTime.class))),
                parameters.toArray());
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isPresent() && b.get().isBefore(a.get()) ? b : a;
    }

    private static Optional<Instant> instant(OffsetDateTime time) {
        return Optional.ofNullable(time).map(OffsetDateTime::toInstant);
    }
}
