package org.cxrtriage.app.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.app.db.Sql;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads current active-model results (not shadow, not superseded) as {@link MonitoredStudy} rows:
 * the light columns, the monitored facts from their JSON, and each finding's probability and verdict.
 */
final class ResultRows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 500;

    static final String CURRENT = "shadow = FALSE AND superseded_by IS NULL";

    private ResultRows() {
    }

    /** The rows with these ids, in no particular order. */
    static List<MonitoredStudy> byIds(Sql sql, List<Long> ids) throws SQLException {
        List<MonitoredStudy> rows = new ArrayList<>(ids.size());
        for (int start = 0; start < ids.size(); start += CHUNK) {
            List<Long> chunk = ids.subList(start, Math.min(ids.size(), start + CHUNK));
            Object[] parameters = chunk.toArray();
            Map<Long, Map<String, MonitoredStudy.Finding>> findings = new HashMap<>();
            for (Object[] f : sql.query("SELECT result_id, finding_key, probability, positive FROM finding_result WHERE result_id IN ("
                    + Sql.marks(chunk.size()) + ")", row -> new Object[] {row.getLong(1), row.getString(2), row.getDouble(3),
                    row.getBoolean(4)}, parameters)) {
                findings.computeIfAbsent((Long) f[0], k -> new LinkedHashMap<>())
                        .put((String) f[1], new MonitoredStudy.Finding((Double) f[2], (Boolean) f[3]));
            }
            rows.addAll(sql.query("""
                    SELECT id, study_instance_uid, created_at, status, reason, reliable, model_id, model_version, calling_ae_title,
                           patient_age_years, patient_sex, numeric_facts, categorical_facts
                      FROM triage_result WHERE id IN (""" + Sql.marks(chunk.size()) + ")",
                    row -> study(row, findings.getOrDefault(row.getLong(1), Map.of())), parameters));
        }
        return rows;
    }

    private static MonitoredStudy study(ResultSet row, Map<String, MonitoredStudy.Finding> findings) throws SQLException {
        boolean scored = "SCORED".equals(row.getString(4));
        return new MonitoredStudy(row.getLong(1), row.getString(2), row.getObject(3, OffsetDateTime.class).toInstant(), scored,
                scored ? null : MonitoredStudy.reasonClass(row.getString(5)), Sql.nullable(row, 6, Boolean.class),
                row.getString(7), row.getString(8), row.getString(9), Sql.nullable(row, 10, Integer.class), row.getString(11),
                numeric(row.getString(12)), categorical(row.getString(13)), findings);
    }

    /** The monitored numeric facts of a stored JSON object; unknown or non-numeric values are left out. */
    static Map<String, Double> numeric(String json) {
        Map<String, Double> facts = new HashMap<>();
        JsonNode node = parse(json);
        for (String key : DriftEvaluator.NUMERIC_KEYS) {
            JsonNode value = node.get(key);
            if (value != null && value.isNumber()) {
                facts.put(key, value.asDouble());
            }
        }
        return facts;
    }

    /** The header facts of a stored JSON object. */
    static Map<String, String> categorical(String json) {
        Map<String, String> facts = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = parse(json).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getValue().isTextual()) {
                facts.put(field.getKey(), field.getValue().asText());
            }
        }
        return facts;
    }

    private static JsonNode parse(String json) {
        if (json == null || json.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            // Written by FactsJson, so this does not happen; a damaged value counts as no facts, never as a failure.
            return JSON.createObjectNode();
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
