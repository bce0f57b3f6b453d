package org.cxrtriage.app.monitoring;

import org.cxrtriage.app.db.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Radiologists' feedback on the active model's findings, as {@link FeedbackRow}s: the latest word
 * per finding (a radiologist may change their mind). Feedback rows are never changed, so the
 * monitoring thread keeps what it has read and each evaluation reads only the last few minutes again
 * (a row may commit a little after a later one). Not thread-safe.
 */
final class FeedbackLog {

    /** Rows committed out of order are caught by reading this much again each time. */
    private static final Duration OVERLAP = Duration.ofMinutes(5);
    private static final String SELECT = """
            SELECT fb.id, fb.finding_result_id, fb.occurred_at, fb.agree, fb.reason, f.finding_key, f.positive, f.probability,
                   r.calling_ae_title, r.patient_age_years, r.patient_sex, r.categorical_facts
              FROM finding_feedback fb
              JOIN finding_result f ON f.id = fb.finding_result_id
              JOIN triage_result r ON r.id = f.result_id
             WHERE r.shadow = FALSE AND fb.occurred_at >= ? AND fb.occurred_at < ?""";

    private final Sql sql;
    private final Map<Long, FeedbackRow> rows = new HashMap<>();
    private Instant readUpTo;

    FeedbackLog(Sql sql) {
        this.sql = sql;
    }

    /** The latest feedback per finding given in the last {@code period}, oldest first. */
    List<FeedbackRow> latest(Instant now, Duration period) throws SQLException {
        Instant from = now.minus(period);
        Instant readFrom = readUpTo == null || readUpTo.isBefore(from) ? from : readUpTo.minus(OVERLAP);
        for (FeedbackRow row : sql.query(SELECT, FeedbackLog::row, ResultRows.utc(readFrom), ResultRows.utc(now.plusSeconds(1)))) {
            rows.put(row.id(), row);
        }
        readUpTo = now;
        rows.values().removeIf(row -> row.occurredAt().isBefore(from));
        return latestPerFinding(rows.values());
    }

    /** The latest feedback per finding given in [from, to), oldest first (for reports). */
    static List<FeedbackRow> between(Sql sql, Instant from, Instant to) throws SQLException {
        return latestPerFinding(sql.query(SELECT, FeedbackLog::row, ResultRows.utc(from), ResultRows.utc(to)));
    }

    static List<FeedbackRow> latestPerFinding(java.util.Collection<FeedbackRow> all) {
        Map<Long, FeedbackRow> latest = new HashMap<>();
        for (FeedbackRow row : all) {
            latest.merge(row.findingId(), row, (a, b) -> a.id() > b.id() ? a : b);
        }
        List<FeedbackRow> ordered = new ArrayList<>(latest.values());
        ordered.sort(Comparator.comparing(FeedbackRow::occurredAt).thenComparing(FeedbackRow::id));
        return ordered;
    }

    private static FeedbackRow row(ResultSet row) throws SQLException {
        Map<String, String> header = ResultRows.categorical(row.getString(12));
        return new FeedbackRow(row.getLong(1), row.getLong(2), row.getObject(3, OffsetDateTime.class).toInstant(), row.getBoolean(4),
                row.getString(5), row.getString(6), row.getBoolean(7), row.getDouble(8), row.getString(9),
                Sql.nullable(row, 10, Integer.class), row.getString(11), header.get("header.manufacturer"),
                header.get("header.viewPosition"));
    }
}
