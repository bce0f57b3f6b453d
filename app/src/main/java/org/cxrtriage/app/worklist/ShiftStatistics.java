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
 * Time from arrival to first opening and to review over the last hours, median and 90th
 * percentile, for flagged and unflagged studies: is the triage making urgent studies read sooner?
 */
@Singleton
public final class ShiftStatistics {

    private final Sql sql;

    public ShiftStatistics(Sql sql) {
        this.sql = sql;
    }

    public Map<String, Object> lastHours(int hours) throws SQLException {
        List<Double> openFlagged = new ArrayList<>();
        List<Double> openOther = new ArrayList<>();
        List<Double> reviewFlagged = new ArrayList<>();
        List<Double> reviewOther = new ArrayList<>();
        sql.query("""
                SELECT w.critical, s.first_received_at, w.first_opened_at, w.completed_at
                  FROM worklist_item w JOIN study s ON s.study_instance_uid = w.study_instance_uid
                 WHERE s.first_received_at >= ?""", row -> {
                    boolean flagged = row.getBoolean(1);
                    OffsetDateTime received = row.getObject(2, OffsetDateTime.class);
                    OffsetDateTime opened = row.getObject(3, OffsetDateTime.class);
                    OffsetDateTime reviewed = row.getObject(4, OffsetDateTime.class);
                    if (opened != null) {
                        (flagged ? openFlagged : openOther).add(minutes(received, opened));
                    }
                    if (reviewed != null) {
                        (flagged ? reviewFlagged : reviewOther).add(minutes(received, reviewed));
                    }
                    return null;
                }, Instant.now().minus(Duration.ofHours(hours)).atOffset(ZoneOffset.UTC));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("hours", hours);
        summary.put("toFirstOpen", Map.of("flagged", stats(openFlagged), "notFlagged", stats(openOther)));
        summary.put("toReview", Map.of("flagged", stats(reviewFlagged), "notFlagged", stats(reviewOther)));
        return summary;
    }

    private static double minutes(OffsetDateTime from, OffsetDateTime to) {
        return Duration.between(from, to).toMillis() / 60000.0;
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
