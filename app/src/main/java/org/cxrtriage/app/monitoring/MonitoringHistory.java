package org.cxrtriage.app.monitoring;

import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.models.stats.BinomialControlLimits;

import java.sql.Date;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Monitoring over time, per UTC day, for the monitoring page and the periodic report: volumes and
 * routing, each finding's positive rate against the reference rate's 99 % binomial band for that
 * day's volume, feedback and agreement, the day's worst status and largest drift statistics, and the
 * status changes, acknowledgements and suspensions. Counts by day are grouped in the database.
 */
@Singleton
public final class MonitoringHistory {

    /** Alpha of the daily reference band drawn around each positive rate (not a monitoring threshold). */
    static final double DAILY_BAND_ALPHA = 0.01;
    private static final String DAY = "CAST(%s AT TIME ZONE 'UTC' AS DATE)";

    /**
     * One UTC day.
     *
     * @param routing       current results created that day by worklist status (scored, unreliable, suspended, not-scored, error)
     * @param positives     per finding: positive of scored, with the reference band for that volume
     * @param feedbacks     feedback given that day, and how much of it agreed
     * @param worstStatus   the day's worst monitoring status; null when nothing was evaluated that day
     * @param scoreDrift    the day's last evaluation's largest KS D of a finding's score (null when untested)
     * @param inputDrift    ... of a numeric input
     * @param headerDrift   ... the largest total variation distance of a header value
     */
    public record Day(String day, long studies, Map<String, Long> routing, Map<String, Rate> positives, Proportion feedbacks,
                      String worstStatus, Double scoreDrift, Double inputDrift, Double headerDrift) {
    }

    /** A rate with the reference rate's band for its count; band and reference are null without a reference rate. */
    public record Rate(long events, long count, Double rate, Double reference, Double bandLower, Double bandUpper) {
    }

    /** A status change, acknowledgement, suspension or its end. */
    public record Event(String at, String kind, String from, String to, String actor, String details) {
    }

    public record Series(String from, String to, Map<String, Double> referenceRates, List<Day> days, List<Event> events) {
    }

    private final Sql sql;

    public MonitoringHistory(Sql sql) {
        this.sql = sql;
    }

    /** Every UTC day from {@code from}'s to the day before {@code to}'s (whole days). */
    public Series between(LocalDate from, LocalDate to) throws SQLException {
        OffsetDateTime start = from.atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime end = to.atStartOfDay().atOffset(ZoneOffset.UTC);
        Map<LocalDate, Map<String, Long>> routing = new TreeMap<>();
        sql.query("SELECT " + day("r.created_at") + ", w.business_status, COUNT(*) FROM triage_result r"
                + " JOIN worklist_item w ON w.current_result_id = r.id"
                + " WHERE r.shadow = FALSE AND r.created_at >= ? AND r.created_at < ?"
                + " GROUP BY " + day("r.created_at") + ", w.business_status", row -> {
            routing.computeIfAbsent(date(row.getObject(1)), d -> new TreeMap<>()).merge(row.getString(2), row.getLong(3), Long::sum);
            return null;
        }, start, end);
        Map<LocalDate, Map<String, long[]>> positives = new TreeMap<>();
        sql.query("SELECT " + day("r.created_at") + ", f.finding_key, SUM(CASE WHEN f.positive THEN 1 ELSE 0 END), COUNT(*)"
                + " FROM finding_result f JOIN triage_result r ON r.id = f.result_id"
                + " WHERE r.shadow = FALSE AND r.superseded_by IS NULL AND r.status = 'SCORED'"
                + " AND r.created_at >= ? AND r.created_at < ?"
                + " GROUP BY " + day("r.created_at") + ", f.finding_key", row -> {
            positives.computeIfAbsent(date(row.getObject(1)), d -> new TreeMap<>())
                    .put(row.getString(2), new long[] {row.getLong(3), row.getLong(4)});
            return null;
        }, start, end);
        Map<LocalDate, long[]> feedback = new TreeMap<>();
        sql.query("SELECT " + day("occurred_at") + ", SUM(CASE WHEN agree THEN 1 ELSE 0 END), COUNT(*) FROM finding_feedback"
                + " WHERE occurred_at >= ? AND occurred_at < ? GROUP BY " + day("occurred_at"), row -> {
            feedback.put(date(row.getObject(1)), new long[] {row.getLong(2), row.getLong(3)});
            return null;
        }, start, end);
        Map<LocalDate, Evaluation> evaluations = new TreeMap<>();
        Map<LocalDate, String> worst = new TreeMap<>();
        sql.query("SELECT utc_day, worst_status, evaluation FROM monitor_day WHERE utc_day >= ? AND utc_day < ?", row -> {
            worst.put(date(row.getObject(1)), row.getString(2));
            evaluations.put(date(row.getObject(1)), Evaluation.fromJson(row.getString(3)));
            return null;
        }, from, to);
        Map<String, Double> reference = referenceRates(evaluations.isEmpty() ? latest() : evaluations.values().stream()
                .reduce((a, b) -> b).orElse(null));

        List<Day> days = new ArrayList<>();
        for (LocalDate day = from; day.isBefore(to); day = day.plusDays(1)) {
            Map<String, Long> routes = routing.getOrDefault(day, Map.of());
            Map<String, Rate> rates = new LinkedHashMap<>();
            positives.getOrDefault(day, Map.of()).forEach((finding, c) -> rates.put(finding, rate(c[0], c[1], reference.get(finding))));
            long[] f = feedback.getOrDefault(day, new long[2]);
            Evaluation evaluation = evaluations.get(day);
            days.add(new Day(day.toString(), routes.values().stream().mapToLong(Long::longValue).sum(), routes, rates,
                    Proportion.of(f[0], f[1]), worst.get(day), largest(evaluation, s -> s.name().startsWith("score."), false),
                    largest(evaluation, s -> s.name().startsWith("input."), false),
                    largest(evaluation, s -> s.name().startsWith("header."), true)));
        }
        return new Series(from.toString(), to.toString(), reference, days, events(start, end));
    }

    /** Status changes, acknowledgements and suspensions in [from, to), oldest first. */
    public List<Event> events(OffsetDateTime from, OffsetDateTime to) throws SQLException {
        return sql.query("SELECT occurred_at, kind, from_status, to_status, actor, details FROM monitor_event"
                + " WHERE occurred_at >= ? AND occurred_at < ? ORDER BY id", row -> new Event(
                row.getObject(1, OffsetDateTime.class).toInstant().toString(), row.getString(2), row.getString(3),
                row.getString(4), row.getString(5), row.getString(6)), from, to);
    }

    /** The status at an instant: the last change before it (ok before any). */
    public String statusAt(Instant at) throws SQLException {
        return sql.queryOne("SELECT to_status FROM monitor_event WHERE kind = 'status' AND occurred_at < ? ORDER BY id DESC LIMIT 1",
                row -> row.getString(1), at.atOffset(ZoneOffset.UTC)).orElse(MonitorStatus.OK.code());
    }

    private Evaluation latest() throws SQLException {
        return sql.queryOne("SELECT evaluation FROM monitor_status WHERE id = 1 AND evaluation IS NOT NULL",
                row -> Evaluation.fromJson(row.getString(1))).orElse(null);
    }

    /** Each finding's reference positive rate, as the evaluation compared with. */
    static Map<String, Double> referenceRates(Evaluation evaluation) {
        Map<String, Double> rates = new TreeMap<>();
        if (evaluation != null) {
            for (DriftSignal signal : evaluation.signals()) {
                if (signal.name().startsWith("positiveRate.") && signal.referenceRate() != null) {
                    rates.put(signal.name().substring("positiveRate.".length()), signal.referenceRate());
                }
            }
        }
        return rates;
    }

    static Rate rate(long events, long count, Double reference) {
        Double rate = count == 0 ? null : (double) events / count;
        if (reference == null || count == 0) {
            return new Rate(events, count, rate, reference, null, null);
        }
        BinomialControlLimits band = BinomialControlLimits.of(count, reference, DAILY_BAND_ALPHA);
        return new Rate(events, count, rate, reference, band.lowerRate(), band.upperRate());
    }

    private static Double largest(Evaluation evaluation, Predicate<DriftSignal> which, boolean effect) {
        if (evaluation == null) {
            return null;
        }
        return evaluation.signals().stream().filter(DriftSignal::tested).filter(which)
                .map(s -> effect ? s.effect() : s.statistic()).filter(v -> v != null).max(Double::compare).orElse(null);
    }

    private static String day(String column) {
        return String.format(DAY, column);
    }

    private static LocalDate date(Object value) {
        if (value instanceof LocalDate date) {
            return date;
        }
        if (value instanceof Date date) {
            return date.toLocalDate();
        }
        return LocalDate.parse(String.valueOf(value).substring(0, 10));
    }
}
