package org.cxrtriage.app.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.compliance.AuditAction;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The one shared monitoring status (table {@code monitor_status}), its history ({@code monitor_event})
 * and each day's last evaluation ({@code monitor_day}); the only writer of these tables. Every
 * change happens under the status row's lock with its audit record in the same transaction, so two
 * nodes evaluating at once change the status, and audit it, once.
 *
 * <p>The state machine: the status follows the newest evaluation (ok, warning, alarm). With the
 * stop rule {@code suspend}, AI triage is suspended while the status is alarm and no acknowledgement
 * covers every alarm signal; an acknowledgement ends when the alarm ends or a new signal alarms.
 */
@Singleton
public final class MonitorState {

    /** An administrator's acknowledgement of the standing alarm. */
    public record Acknowledgement(Instant at, String by, String reason, List<String> signals) {
    }

    /** The status row without its evaluation. */
    public record Row(MonitorStatus status, Instant since, List<String> reasons, Optional<Instant> evaluatedAt, String evaluatedBy,
                      long newestResultId, long newestFeedbackId, Optional<Acknowledgement> acknowledgement, boolean suspended,
                      String suspensionReason) {
    }

    /** What an acknowledgement did. */
    public enum Acknowledged { ACKNOWLEDGED, NO_ALARM }

    private static final TypeReference<List<String>> TEXTS = new TypeReference<>() {
    };
    private static final String COLUMNS = "status, since, reasons, evaluated_at, evaluated_by, newest_result_id, newest_feedback_id,"
            + " acknowledged_at, acknowledged_by, acknowledgement, acknowledged_signals, suspended, suspension_reason";

    private final Sql sql;
    private final AuditTrail audit;

    public MonitorState(Sql sql, AuditTrail audit) {
        this.sql = sql;
        this.audit = audit;
    }

    public Row read() throws SQLException {
        return sql.queryOne("SELECT " + COLUMNS + " FROM monitor_status WHERE id = 1", MonitorState::row).orElseThrow(
                () -> new SQLException("monitor_status has no row 1: the V10 migration did not run"));
    }

    /** The last stored evaluation, if any evaluation has run. */
    public Optional<Evaluation> evaluation() throws SQLException {
        return sql.queryOne("SELECT evaluation FROM monitor_status WHERE id = 1 AND evaluation IS NOT NULL",
                r -> Evaluation.fromJson(r.getString(1)));
    }

    /**
     * Stores an evaluation made by {@code node} and moves the status and the suspension as it says,
     * auditing each move. An evaluation older than the stored one changes nothing. Returns the row after.
     */
    public Row apply(Evaluation evaluation, String node, boolean suspends) throws SQLException {
        return sql.inTransaction(connection -> {
            Row before = lock(connection);
            // The database keeps microseconds.
            Instant at = Instant.parse(evaluation.evaluatedAt()).truncatedTo(ChronoUnit.MICROS);
            if (before.evaluatedAt().isPresent() && !at.isAfter(before.evaluatedAt().get())) {
                return before;
            }
            MonitorStatus next = evaluation.level();
            Optional<Acknowledgement> acknowledgement = before.acknowledgement()
                    .filter(a -> next == MonitorStatus.ALARM && a.signals().containsAll(evaluation.alarmSignals()));
            boolean suspended = suspends && next == MonitorStatus.ALARM && acknowledgement.isEmpty();
            Instant since = before.status() == next ? before.since() : at;
            if (before.status() != next) {
                String details = before.status().code() + " -> " + next.code()
                        + (evaluation.reasons().isEmpty() ? "" : ": " + String.join("; ", evaluation.reasons()));
                event(connection, at, "status", before.status(), next, node, details);
                audit.system(connection, next == MonitorStatus.ALARM ? AuditAction.MONITOR_ALARM
                        : next == MonitorStatus.WARNING ? AuditAction.MONITOR_WARNING : AuditAction.MONITOR_CLEAR, details);
            }
            String suspensionReason = !suspended ? null : before.suspended() ? before.suspensionReason()
                    : bounded("monitoring alarm: " + evaluation.reasons().get(0), 300);
            if (suspended != before.suspended()) {
                suspension(connection, at, suspended, next, node, suspended ? suspensionReason
                        : next == MonitorStatus.ALARM ? "the stop rule is no longer suspend" : "the alarm ended");
            }
            Sql.update(connection, """
                    UPDATE monitor_status SET status = ?, since = ?, reasons = ?, evaluation = ?, evaluated_at = ?, evaluated_by = ?,
                           newest_result_id = ?, newest_feedback_id = ?, acknowledged_at = ?, acknowledged_by = ?,
                           acknowledgement = ?, acknowledged_signals = ?, suspended = ?, suspension_reason = ?
                     WHERE id = 1""", next.code(), utc(since), texts(evaluation.reasons()), evaluation.toJson(), utc(at), node,
                    evaluation.newestResultId(), evaluation.newestFeedbackId(),
                    acknowledgement.map(a -> utc(a.at())).orElse(null), acknowledgement.map(Acknowledgement::by).orElse(null),
                    acknowledgement.map(Acknowledgement::reason).orElse(null),
                    acknowledgement.map(a -> texts(a.signals())).orElse(null), suspended, suspensionReason);
            recordDay(connection, at, next, evaluation.toJson());
            return lock(connection);
        });
    }

    /**
     * An administrator acknowledges the standing alarm with a reason: audited, and any suspension
     * ends until a signal alarms that this acknowledgement does not cover, or the alarm ends.
     */
    public Acknowledged acknowledge(String actor, String reason, String source) throws SQLException {
        return sql.inTransaction(connection -> {
            Row before = lock(connection);
            if (before.status() != MonitorStatus.ALARM) {
                return Acknowledged.NO_ALARM;
            }
            List<String> signals = Sql.queryOne(connection, "SELECT evaluation FROM monitor_status WHERE id = 1",
                    row -> Evaluation.fromJson(row.getString(1)).alarmSignals()).orElse(List.of());
            Instant now = Instant.now();
            Sql.update(connection, """
                    UPDATE monitor_status SET acknowledged_at = ?, acknowledged_by = ?, acknowledgement = ?,
                           acknowledged_signals = ?, suspended = FALSE, suspension_reason = NULL WHERE id = 1""",
                    utc(now), actor, bounded(reason, 500), texts(signals));
            event(connection, now, "acknowledged", before.status(), before.status(), actor, reason);
            audit.user(connection, actor, AuditAction.MONITOR_ACKNOWLEDGE, source,
                    "alarm acknowledged: " + reason + " (covers " + String.join(", ", signals) + ")");
            if (before.suspended()) {
                suspension(connection, now, false, before.status(), actor, "acknowledged by " + actor);
            }
            return Acknowledged.ACKNOWLEDGED;
        });
    }

    private void suspension(Connection connection, Instant at, boolean suspended, MonitorStatus status, String actor, String why)
            throws SQLException {
        event(connection, at, suspended ? "suspended" : "resumed", status, status, actor, why);
        audit.system(connection, suspended ? AuditAction.MONITOR_SUSPEND : AuditAction.MONITOR_RESUME,
                (suspended ? "AI triage suspended: " : "AI triage resumed: ") + why);
    }

    private static void event(Connection connection, Instant at, String kind, MonitorStatus from, MonitorStatus to, String actor,
                              String details) throws SQLException {
        Sql.update(connection, """
                INSERT INTO monitor_event (occurred_at, kind, from_status, to_status, actor, details)
                VALUES (?, ?, ?, ?, ?, ?)""", utc(at), kind, from.code(), to.code(), actor, details);
    }

    /** The day's worst status so far and its last evaluation. */
    private static void recordDay(Connection connection, Instant at, MonitorStatus status, String evaluation) throws SQLException {
        LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
        Optional<MonitorStatus> worst = Sql.queryOne(connection, "SELECT worst_status FROM monitor_day WHERE utc_day = ?",
                row -> MonitorStatus.of(row.getString(1)), day);
        if (worst.isPresent()) {
            Sql.update(connection, "UPDATE monitor_day SET worst_status = ?, evaluated_at = ?, evaluation = ? WHERE utc_day = ?",
                    worst.get().worse(status).code(), utc(at), evaluation, day);
        } else {
            Sql.update(connection, "INSERT INTO monitor_day (utc_day, worst_status, evaluated_at, evaluation) VALUES (?, ?, ?, ?)",
                    day, status.code(), utc(at), evaluation);
        }
    }

    private static Row lock(Connection connection) throws SQLException {
        return Sql.queryOne(connection, "SELECT " + COLUMNS + " FROM monitor_status WHERE id = 1 FOR UPDATE", MonitorState::row)
                .orElseThrow(() -> new SQLException("monitor_status has no row 1: the V10 migration did not run"));
    }

    private static Row row(ResultSet row) throws SQLException {
        OffsetDateTime acknowledgedAt = row.getObject(8, OffsetDateTime.class);
        Optional<Acknowledgement> acknowledgement = acknowledgedAt == null ? Optional.empty()
                : Optional.of(new Acknowledgement(acknowledgedAt.toInstant(), row.getString(9), row.getString(10),
                list(row.getString(11))));
        return new Row(MonitorStatus.of(row.getString(1)), row.getObject(2, OffsetDateTime.class).toInstant(), list(row.getString(3)),
                Optional.ofNullable(row.getObject(4, OffsetDateTime.class)).map(OffsetDateTime::toInstant), row.getString(5),
                row.getLong(6), row.getLong(7), acknowledgement, row.getBoolean(12), row.getString(13));
    }

    private static List<String> list(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return Evaluation.json().readValue(json, TEXTS);
        } catch (JsonProcessingException e) {
            return List.of(json);
        }
    }

    private static String texts(List<String> texts) {
        try {
            return Evaluation.json().writeValueAsString(texts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of texts always encodes", e);
        }
    }

    private static String bounded(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
