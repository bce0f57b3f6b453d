package org.cxrtriage.app.worklist;

import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading times over the last hours, median and 90th percentile, for flagged (AI-critical) and
 * unflagged studies: is the triage making urgent studies read sooner? Four measures, each kept
 * apart: from arrival to the first look ({@code toFirstOpen}), to the claim by the current reader
 * ({@code toClaim}), to the review ({@code toReview}), and from claim to review ({@code reading}).
 */
@Singleton
public final class ShiftStatistics {

    /** One measure, split by flagged and not. */
    private record Measure(List<Double> flagged, List<Double> other) {
        Measure() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        void add(boolean isFlagged, OffsetDateTime from, OffsetDateTime to) {
            if (from != null && to != null) {
                (isFlagged ? flagged : other).add(Duration.between(from, to).toMillis() / 60000.0);
            }
        }

        Map<String, Object> summary() {
            return Map.of("flagged", stats(flagged), "notFlagged", stats(other));
        }
    }

    private final Sql sql;

    public ShiftStatistics(Sql sql) {
        this.sql = sql;
    }

    public Map<String, Object> lastHours(int hours) throws SQLException {
        Measure toFirstOpen = new Measure();
        Measure toClaim = new Measure();
        Measure toReview = new Measure();
        Measure reading = new Measure();
        sql.query("""
                SELECT w.critical, s.first_received_at, w.first_opened_at, w.claimed_at, w.completed_at
                  FROM worklist_item w JOIN study s ON s.study_instance_uid = w.study_instance_uid
                 WHERE s.first_received_at >= ?""", row -> {
                    boolean flagged = row.getBoolean(1);
                    OffsetDateTime received = row.getObject(2, OffsetDateTime.class);
                    OffsetDateTime opened = row.getObject(3, OffsetDateTime.class);
                    OffsetDateTime claimed = row.getObject(4, OffsetDateTime.class);
                    OffsetDateTime reviewed = row.getObject(5, OffsetDateTime.class);
                    toFirstOpen.add(flagged, received, opened);
                    toClaim.add(flagged, received, claimed);
                    toReview.add(flagged, received, reviewed);
                    reading.add(flagged, claimed, reviewed);
                    return null;
                }, Instant.now().minus(Duration.ofHours(hours)).atOffset(ZoneOffset.UTC));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("hours", hours);
        summary.put("toFirstOpen", toFirstOpen.summary());
        summary.put("toClaim", toClaim.summary());
        summary.put("toReview", toReview.summary());
        summary.put("reading", reading.summary());
        return summary;
    }

    private static Map<String, Object> stats(List<Double> values) {
        if (values.isEmpty()) {
            return Map.of("n", 0);
        }
        Collections.sort(values);
        return Map.of("n", values.size(), "medianMinutes", percentile(values, 50), "p90Minutes", percentile(values, 90));
    }

    private static double percentile(List<Double> sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return Math.round(sorted.get(Math.max(0, index)) * 10) / 10.0;
    }
}
