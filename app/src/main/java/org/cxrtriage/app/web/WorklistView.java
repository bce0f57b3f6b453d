package org.cxrtriage.app.web;

import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rows and details the web worklist shows, read in a few queries. */
@Singleton
public final class WorklistView {

    /** One finding chip: name, calibrated probability, and whether it is positive at the operating point. */
    public record Chip(long id, String key, String display, double probability, Double threshold, boolean positive,
                       boolean critical) {
    }

    public record Row(String studyUid, String priority, boolean critical, double score, String status,
                      String businessStatus, String reason, String patientName, String patientId, String age, String sex,
                      String accession, String studyTime, long waitingMinutes, String lastModified, List<Chip> chips) {
    }

    public record Timeline(String received, String scored, String opened, String reviewed) {
    }

    public record Detail(Row row, String modelId, String modelVersion, String device, boolean notForClinicalUse,
                         Timeline timeline, String description, String modality) {
    }

    private final DataSource dataSource;

    public WorklistView(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<Row> rows() throws SQLException {
        return rows("", List.of());
    }

    private List<Row> rows(String where, List<Object> parameters) throws SQLException {
        String sql = """
                SELECT w.study_instance_uid, w.priority, w.critical, w.triage_score, w.status, w.business_status, w.reason,
                       s.patient_name, s.patient_id, s.patient_birth_date, s.patient_sex, s.accession_number, s.study_started,
                       s.first_received_at, w.last_modified, w.current_result_id, w.authored_on, s.patient_age_years
                  FROM worklist_item w JOIN study s ON s.study_instance_uid = w.study_instance_uid
                 WHERE 1 = 1""" + where + " ORDER BY w.priority_rank DESC, w.aged_score DESC, w.authored_on ASC";
        List<Row> rows = new ArrayList<>();
        Map<Long, List<Chip>> chips;
        try (Connection connection = dataSource.getConnection()) {
            List<Object[]> raw = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.size(); i++) {
                    select.setObject(i + 1, parameters.get(i));
                }
                try (ResultSet r = select.executeQuery()) {
                    while (r.next()) {
                        long result = r.getLong(16);
                        Long resultId = r.wasNull() ? null : result;
                        raw.add(new Object[] {r.getString(1), r.getString(2), r.getBoolean(3), r.getDouble(4), r.getString(5),
                                r.getString(6), r.getString(7), r.getString(8), r.getString(9), r.getObject(10, LocalDate.class),
                                r.getString(11), r.getString(12), r.getObject(13, OffsetDateTime.class),
                                r.getObject(14, OffsetDateTime.class), r.getObject(15, OffsetDateTime.class), resultId,
                                r.getObject(18, Integer.class)});
                    }
                }
            }
            chips = chips(connection, raw.stream().map(row -> (Long) row[15]).filter(id -> id != null).toList());
            Instant now = Instant.now();
            for (Object[] r : raw) {
                LocalDate birth = (LocalDate) r[9];
                OffsetDateTime started = (OffsetDateTime) r[12];
                OffsetDateTime received = (OffsetDateTime) r[13];
                rows.add(new Row((String) r[0], (String) r[1], (Boolean) r[2], (Double) r[3], (String) r[4], (String) r[5],
                        (String) r[6], displayName((String) r[7]), nullToEmpty((String) r[8]),
                        birth != null ? Period.between(birth, LocalDate.now()).getYears() + "y" : r[16] != null ? r[16] + "y" : "",
                        nullToEmpty((String) r[10]),
                        nullToEmpty((String) r[11]), started == null ? "" : started.toInstant().toString(),
                        Duration.between(received.toInstant(), now).toMinutes(), ((OffsetDateTime) r[14]).toInstant().toString(),
                        r[15] == null ? List.of() : chips.getOrDefault((Long) r[15], List.of())));
            }
        }
        return rows;
    }

    public java.util.Optional<Detail> detail(String studyUid) throws SQLException {
        List<Row> rows = rows(" AND w.study_instance_uid = ?", List.of(studyUid));
        if (rows.isEmpty()) {
            return java.util.Optional.empty();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT r.model_id, r.model_version, r.device, r.created_at, w.first_opened_at, w.completed_at,
                            s.first_received_at, s.description, s.modality
                       FROM worklist_item w JOIN study s ON s.study_instance_uid = w.study_instance_uid
                       LEFT JOIN triage_result r ON r.id = w.current_result_id
                      WHERE w.study_instance_uid = ?""")) {
            select.setString(1, studyUid);
            try (ResultSet r = select.executeQuery()) {
                r.next();
                Timeline timeline = new Timeline(text(r.getObject(7, OffsetDateTime.class)), text(r.getObject(4, OffsetDateTime.class)),
                        text(r.getObject(5, OffsetDateTime.class)), text(r.getObject(6, OffsetDateTime.class)));
                return java.util.Optional.of(new Detail(rows.get(0), nullToEmpty(r.getString(1)), nullToEmpty(r.getString(2)),
                        nullToEmpty(r.getString(3)), true, timeline, nullToEmpty(r.getString(8)), nullToEmpty(r.getString(9))));
            }
        }
    }

    /** The spooled frontal image the current result scored, if any. */
    public java.util.Optional<String> previewPath(String studyUid) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT i.spool_path FROM worklist_item w
                       JOIN triage_result r ON r.id = w.current_result_id
                       JOIN instance i ON i.sop_instance_uid = r.sop_instance_uid
                      WHERE w.study_instance_uid = ?
                     UNION ALL
                     SELECT spool_path FROM instance WHERE study_instance_uid = ? AND kind = 'RADIOGRAPH'""")) {
            select.setString(1, studyUid);
            select.setString(2, studyUid);
            try (ResultSet r = select.executeQuery()) {
                return r.next() ? java.util.Optional.of(r.getString(1)) : java.util.Optional.empty();
            }
        }
    }

    /** The newest change to the worklist, for cheap "anything new?" polling. */
    public String version() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT COUNT(*), MAX(last_modified) FROM worklist_item");
             ResultSet r = select.executeQuery()) {
            r.next();
            OffsetDateTime latest = r.getObject(2, OffsetDateTime.class);
            return r.getLong(1) + "-" + (latest == null ? "0" : latest.toInstant().toEpochMilli());
        }
    }

    private static Map<Long, List<Chip>> chips(Connection connection, List<Long> resultIds) throws SQLException {
        Map<Long, List<Chip>> chips = new LinkedHashMap<>();
        for (int from = 0; from < resultIds.size(); from += 500) {
            List<Long> chunk = resultIds.subList(from, Math.min(resultIds.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement select = connection.prepareStatement("SELECT id, result_id, finding_key, display, probability,"
                    + " threshold, positive, critical FROM finding_result WHERE result_id IN (" + marks + ") ORDER BY id")) {
                for (int i = 0; i < chunk.size(); i++) {
                    select.setLong(i + 1, chunk.get(i));
                }
                try (ResultSet r = select.executeQuery()) {
                    while (r.next()) {
                        double threshold = r.getDouble(6);
                        Double maybe = r.wasNull() ? null : threshold;
                        chips.computeIfAbsent(r.getLong(2), id -> new ArrayList<>()).add(new Chip(r.getLong(1), r.getString(3),
                                r.getString(4), r.getDouble(5), maybe, r.getBoolean(7), r.getBoolean(8)));
                    }
                }
            }
        }
        return chips;
    }

    private static String displayName(String dicomName) {
        if (dicomName == null || dicomName.isBlank()) {
            return "";
        }
        String[] parts = dicomName.split("\\^");
        return parts.length > 1 ? parts[0] + ", " + parts[1] : parts[0];
    }

    private static String text(OffsetDateTime time) {
        return time == null ? "" : time.toInstant().toString();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
