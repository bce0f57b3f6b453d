package org.cxrtriage.app.monitoring;

import org.cxrtriage.app.db.Sql;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The periodic model-performance report's content (what a governance committee reads each month),
 * read from the database for whole UTC days [from, to): models in use, volumes and routing, positive
 * rates against the reference, the drift status history, feedback performance with Wilson intervals,
 * subgroups, calibration on reviewed cases, and the alarms with what was done about them. Counts
 * and statistics only; no names, identifiers or study UIDs.
 *
 * @param statusAtStart the monitoring status when the period began
 * @param routing       current results of the period by worklist status (scored, unreliable, suspended, not-scored, error)
 * @param notScored     not-scored results by reason, without particulars
 * @param positives     per finding over the period: positive of scored, against the reference rate's 99 % band
 */
public record PeriodReport(LocalDate from, LocalDate to, Instant generatedAt, String statusAtStart, List<ModelUse> models,
                           long studies, Map<String, Long> routing, Map<String, Long> notScored,
                           Map<String, MonitoringHistory.Rate> positives, MonitoringHistory.Series history,
                           FeedbackPerformance.Performance performance, List<Subgroups.Row> subgroups,
                           ReliabilityDiagram calibration, List<Alarm> alarms) {

    /** How many study results a model version gave in the period, as the active model or in shadow. */
    public record ModelUse(String modelId, String version, boolean shadow, Instant first, Instant last, long results) {
    }

    /** An alarm raised in the period (or standing at its start), what people did, and when it ended (null: still standing). */
    public record Alarm(String raisedAt, String reasons, List<MonitoringHistory.Event> actions, String endedAt) {
    }

    /** Told (done, total) steps as the report is read; long periods are read in chunks of results. */
    public interface Progress {
        void step(long done, long total);
    }

    static final int CALIBRATION_BINS = 10;
    private static final int CHUNK = 500;

    /**
     * Reads the report of the UTC days [from, to).
     *
     * @param disagreementRate the in-control disagreement rate of the CUSUM (TRIAGE_MONITOR_DISAGREEMENT_RATE)
     * @param arl              its in-control average run length (TRIAGE_MONITOR_CUSUM_ARL)
     */
    public static PeriodReport read(Sql sql, LocalDate from, LocalDate to, double disagreementRate, double arl, Progress progress)
            throws SQLException {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("the report's end " + to + " must be after its start " + from);
        }
        OffsetDateTime start = from.atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime end = to.atStartOfDay().atOffset(ZoneOffset.UTC);
        List<Long> ids = sql.query("SELECT id FROM triage_result WHERE " + ResultRows.CURRENT
                + " AND created_at >= ? AND created_at < ? ORDER BY id", row -> row.getLong(1), start, end);
        long chunks = (ids.size() + CHUNK - 1) / CHUNK;
        long total = chunks + 4;
        progress.step(1, total);
        List<MonitoredStudy> studies = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i += CHUNK) {
            studies.addAll(ResultRows.byIds(sql, ids.subList(i, Math.min(ids.size(), i + CHUNK))));
            progress.step(2 + i / CHUNK, total);
        }
        MonitoringHistory monitoringHistory = new MonitoringHistory(sql);
        MonitoringHistory.Series history = monitoringHistory.between(from, to);
        progress.step(chunks + 2, total);
        List<FeedbackRow> feedback = FeedbackLog.between(sql, start.toInstant(), end.toInstant());
        progress.step(chunks + 3, total);
        List<ModelUse> models = sql.query("""
                SELECT model_id, model_version, shadow, MIN(created_at), MAX(created_at), COUNT(*) FROM triage_result
                 WHERE status = 'SCORED' AND created_at >= ? AND created_at < ?
                 GROUP BY model_id, model_version, shadow ORDER BY MIN(created_at)""", row -> new ModelUse(row.getString(1),
                row.getString(2), row.getBoolean(3), row.getObject(4, OffsetDateTime.class).toInstant(),
                row.getObject(5, OffsetDateTime.class).toInstant(), row.getLong(6)), start, end);
        String statusAtStart = monitoringHistory.statusAt(start.toInstant());
        progress.step(total, total);

        Map<String, Long> routing = new TreeMap<>();
        history.days().forEach(day -> day.routing().forEach((route, n) -> routing.merge(route, n, Long::sum)));
        Map<String, Long> notScored = new TreeMap<>();
        studies.stream().filter(s -> !s.scored()).forEach(s -> notScored.merge(s.reasonClass(), 1L, Long::sum));
        TreeSet<String> findings = new TreeSet<>(history.referenceRates().keySet());
        studies.forEach(s -> findings.addAll(s.findings().keySet()));
        Map<String, MonitoringHistory.Rate> positives = new TreeMap<>();
        for (String finding : findings) {
            long events = 0;
            long count = 0;
            for (MonitoringHistory.Day day : history.days()) {
                MonitoringHistory.Rate rate = day.positives().get(finding);
                if (rate != null) {
                    events += rate.events();
                    count += rate.count();
                }
            }
            positives.put(finding, MonitoringHistory.rate(events, count, history.referenceRates().get(finding)));
        }
        List<MonitoredStudy> scored = studies.stream().filter(MonitoredStudy::scored).toList();
        return new PeriodReport(from, to, Instant.now(), statusAtStart, models,
                history.days().stream().mapToLong(MonitoringHistory.Day::studies).sum(), routing, notScored, positives, history,
                FeedbackPerformance.of(feedback, List.copyOf(findings), disagreementRate, arl), Subgroups.of(scored, feedback),
                ReliabilityDiagram.of(feedback, CALIBRATION_BINS), alarms(statusAtStart, start.toInstant(), history.events()));
    }

    /** Alarms from the status history: each begins with a change to alarm and ends with a change away from it. */
    static List<Alarm> alarms(String statusAtStart, Instant start, List<MonitoringHistory.Event> events) {
        List<Alarm> alarms = new ArrayList<>();
        String raisedAt = MonitorStatus.ALARM.code().equals(statusAtStart) ? "before " + start : null;
        String reasons = raisedAt == null ? null : "standing when the period began";
        List<MonitoringHistory.Event> actions = new ArrayList<>();
        for (MonitoringHistory.Event event : events) {
            boolean statusChange = "status".equals(event.kind());
            if (statusChange && MonitorStatus.ALARM.code().equals(event.to()) && raisedAt == null) {
                raisedAt = event.at();
                reasons = event.details();
            } else if (statusChange && raisedAt != null && !MonitorStatus.ALARM.code().equals(event.to())) {
                alarms.add(new Alarm(raisedAt, reasons, List.copyOf(actions), event.at()));
                raisedAt = null;
                actions.clear();
            } else if (raisedAt != null && !statusChange) {
                actions.add(event);
            }
        }
        if (raisedAt != null) {
            alarms.add(new Alarm(raisedAt, reasons, List.copyOf(actions), null));
        }
        return alarms;
    }
}
