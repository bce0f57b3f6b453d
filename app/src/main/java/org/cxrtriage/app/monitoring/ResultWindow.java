package org.cxrtriage.app.monitoring;

import org.cxrtriage.app.db.Sql;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rolling window of recent studies, kept between evaluations: each evaluation lists the ids in
 * the window (one light query), reads only the rows it has not read before, and forgets those that
 * left (superseded or too old). The baseline's counts are grouped by the database and kept for a
 * few minutes. Used by the monitoring thread only; not thread-safe.
 */
final class ResultWindow {

    private static final Duration BASELINE_REUSE = Duration.ofMinutes(5);

    private final Sql sql;
    private final Map<Long, MonitoredStudy> rows = new HashMap<>();
    private Baseline baseline;
    private Instant baselineAt = Instant.EPOCH;

    ResultWindow(Sql sql) {
        this.sql = sql;
    }

    /**
     * The current results created since {@code now - window}, at most {@code maxStudies} (the newest);
     * when that is fewer than {@code minStudies}, the newest {@code minStudies} whenever they were made.
     */
    List<MonitoredStudy> load(Instant now, Duration window, int minStudies, int maxStudies) throws SQLException {
        List<Long> ids = sql.query("SELECT id FROM triage_result WHERE " + ResultRows.CURRENT
                + " AND created_at >= ? ORDER BY id DESC LIMIT ?", row -> row.getLong(1), ResultRows.utc(now.minus(window)), maxStudies);
        if (ids.size() < minStudies) {
            ids = sql.query("SELECT id FROM triage_result WHERE " + ResultRows.CURRENT + " ORDER BY id DESC LIMIT ?",
                    row -> row.getLong(1), minStudies);
        }
        Set<Long> wanted = new HashSet<>(ids);
        rows.keySet().retainAll(wanted);
        List<Long> missing = ids.stream().filter(id -> !rows.containsKey(id)).toList();
        for (MonitoredStudy study : ResultRows.byIds(sql, missing)) {
            rows.put(study.id(), study);
        }
        List<MonitoredStudy> studies = new ArrayList<>(rows.values());
        studies.sort((a, b) -> Long.compare(a.id(), b.id()));
        return studies;
    }

    /** Counts of the current results created in [from, to); the last counts are reused for a few minutes. */
    Baseline baseline(Instant from, Instant to, Instant now) throws SQLException {
        if (baseline != null && Duration.between(baselineAt, now).compareTo(BASELINE_REUSE) < 0) {
            return baseline;
        }
        long[] totals = new long[2];
        Map<Integer, Long> ages = new HashMap<>();
        Map<String, Long> callers = new HashMap<>();
        sql.query("SELECT status, patient_age_years, calling_ae_title, COUNT(*) FROM triage_result WHERE " + ResultRows.CURRENT
                + " AND created_at >= ? AND created_at < ? GROUP BY status, patient_age_years, calling_ae_title", row -> {
            long count = row.getLong(4);
            totals[0] += count;
            if (!"SCORED".equals(row.getString(1))) {
                totals[1] += count;
                return null;
            }
            Integer age = Sql.nullable(row, 2, Integer.class);
            if (age != null) {
                ages.merge(age, count, Long::sum);
            }
            String caller = row.getString(3);
            callers.merge(caller == null ? DriftEvaluator.NO_CALLER : caller, count, Long::sum);
            return null;
        }, ResultRows.utc(from), ResultRows.utc(to));
        baseline = new Baseline(from, to, totals[0], totals[1], ages, callers);
        baselineAt = now;
        return baseline;
    }
}
