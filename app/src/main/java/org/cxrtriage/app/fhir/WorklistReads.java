package org.cxrtriage.app.fhir;

import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the worklist tables for the FHIR API. Every query is parameterised. */
@Singleton
public final class WorklistReads {

    public record StudyRow(String uid, String patientId, String patientName, String patientSex, LocalDate birthDate,
                           String accession, OffsetDateTime started, String description, String modality,
                           String institution, int instanceCount, OffsetDateTime firstReceived) {
    }

    public record InstanceRow(String sopInstanceUid, String sopClassUid, String seriesUid) {
    }

    public record TaskRow(String studyUid, String status, String priority, double triageScore, double agedScore,
                          boolean critical, String businessStatus, String reason, Long currentResultId, String owner,
                          OffsetDateTime authoredOn, OffsetDateTime lastModified) {
    }

    public record ResultRow(long id, String studyUid, int revision, String status, String reason, boolean shadow,
                            String modelId, String modelVersion, String modelSha256, String device, String sopInstanceUid,
                            double score, boolean critical, Long supersededBy, OffsetDateTime createdAt) {
    }

    public record FindingRow(long id, long resultId, String key, String display, String codeSystem, String code,
                             double probability, Double threshold, boolean positive, boolean critical,
                             String calibrationVersion) {
    }

    private static final String TASK_COLUMNS = """
            study_instance_uid, status, priority, triage_score, aged_score, critical, business_status, reason,
            current_result_id, owner, authored_on, last_modified""";
    private static final String RESULT_COLUMNS = """
            id, study_instance_uid, study_revision, status, reason, shadow, model_id, model_version, model_sha256, device,
            sop_instance_uid, triage_score, critical, superseded_by, created_at""";
    private static final String FINDING_COLUMNS = """
            id, result_id, finding_key, display, code_system, code, probability, threshold, positive, critical,
            calibration_version""";

    private final DataSource dataSource;

    public WorklistReads(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<StudyRow> study(String uid) throws SQLException {
        return query("""
                SELECT study_instance_uid, patient_id, patient_name, patient_sex, patient_birth_date, accession_number,
                       study_started, description, modality, institution, instance_count, first_received_at
                  FROM study WHERE study_instance_uid = ?""", WorklistReads::study, uid).stream().findFirst();
    }

    public List<StudyRow> studiesOfPatient(String patientKey) throws SQLException {
        return studies(" AND patient_key = ?", patientKey);
    }

    /** Studies with their details filled in (those a worker has looked at), optionally filtered. */
    public List<StudyRow> studies(String whereSql, Object... parameters) throws SQLException {
        return query("""
                SELECT study_instance_uid, patient_id, patient_name, patient_sex, patient_birth_date, accession_number,
                       study_started, description, modality, institution, instance_count, first_received_at
                  FROM study WHERE patient_id IS NOT NULL""" + whereSql + " ORDER BY first_received_at",
                WorklistReads::study, parameters);
    }

    public List<InstanceRow> instances(String studyUid) throws SQLException {
        return query("SELECT sop_instance_uid, sop_class_uid, series_instance_uid FROM instance WHERE study_instance_uid = ?"
                + " ORDER BY series_instance_uid, received_at", row -> new InstanceRow(row.getString(1), row.getString(2),
                row.getString(3)), studyUid);
    }

    public Optional<TaskRow> task(String studyUid) throws SQLException {
        return query("SELECT " + TASK_COLUMNS + " FROM worklist_item WHERE study_instance_uid = ?", WorklistReads::task,
                studyUid).stream().findFirst();
    }

    /** Tasks matching a WHERE fragment (starting with " AND ...") in the given ORDER BY. */
    public List<TaskRow> tasks(String whereSql, String orderSql, List<Object> parameters) throws SQLException {
        return query("SELECT " + TASK_COLUMNS + " FROM worklist_item WHERE 1 = 1" + whereSql + " ORDER BY " + orderSql,
                WorklistReads::task, parameters.toArray());
    }

    /** DICOM patient IDs of the given studies in one query (study UID to patient ID). */
    public java.util.Map<String, String> patientIds(List<String> studyUids) throws SQLException {
        java.util.Map<String, String> ids = new java.util.HashMap<>();
        for (int from = 0; from < studyUids.size(); from += 500) {
            List<String> chunk = studyUids.subList(from, Math.min(studyUids.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            for (String[] pair : query("SELECT study_instance_uid, patient_id FROM study WHERE study_instance_uid IN (" + marks + ")",
                    row -> new String[] {row.getString(1), row.getString(2)}, chunk.toArray())) {
                if (pair[1] != null) {
                    ids.put(pair[0], pair[1]);
                }
            }
        }
        return ids;
    }

    public Optional<ResultRow> result(long id) throws SQLException {
        return query("SELECT " + RESULT_COLUMNS + " FROM triage_result WHERE id = ?", WorklistReads::result, id)
                .stream().findFirst();
    }

    /** Scored results (active and shadow) matching a WHERE fragment. */
    public List<ResultRow> results(String whereSql, Object... parameters) throws SQLException {
        return query("SELECT " + RESULT_COLUMNS + " FROM triage_result WHERE status = 'SCORED'" + whereSql + " ORDER BY id",
                WorklistReads::result, parameters);
    }

    public Optional<FindingRow> finding(long id) throws SQLException {
        return query("SELECT " + FINDING_COLUMNS + " FROM finding_result WHERE id = ?", WorklistReads::finding, id)
                .stream().findFirst();
    }

    public List<FindingRow> findings(String whereSql, Object... parameters) throws SQLException {
        return query("SELECT " + FINDING_COLUMNS + " FROM finding_result WHERE 1 = 1" + whereSql + " ORDER BY id",
                WorklistReads::finding, parameters);
    }

    private static StudyRow study(ResultSet row) throws SQLException {
        return new StudyRow(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                row.getObject(5, LocalDate.class), row.getString(6), row.getObject(7, OffsetDateTime.class), row.getString(8),
                row.getString(9), row.getString(10), row.getInt(11), row.getObject(12, OffsetDateTime.class));
    }

    private static TaskRow task(ResultSet row) throws SQLException {
        long result = row.getLong(9);
        Long currentResult = row.wasNull() ? null : result;
        return new TaskRow(row.getString(1), row.getString(2), row.getString(3), row.getDouble(4), row.getDouble(5),
                row.getBoolean(6), row.getString(7), row.getString(8), currentResult, row.getString(10),
                row.getObject(11, OffsetDateTime.class), row.getObject(12, OffsetDateTime.class));
    }

    private static ResultRow result(ResultSet row) throws SQLException {
        long superseded = row.getLong(14);
        Long supersededBy = row.wasNull() ? null : superseded;
        return new ResultRow(row.getLong(1), row.getString(2), row.getInt(3), row.getString(4), row.getString(5),
                row.getBoolean(6), row.getString(7), row.getString(8), row.getString(9), row.getString(10), row.getString(11),
                row.getDouble(12), row.getBoolean(13), supersededBy, row.getObject(15, OffsetDateTime.class));
    }

    private static FindingRow finding(ResultSet row) throws SQLException {
        double threshold = row.getDouble(8);
        Double maybeThreshold = row.wasNull() ? null : threshold;
        return new FindingRow(row.getLong(1), row.getLong(2), row.getString(3), row.getString(4), row.getString(5),
                row.getString(6), row.getDouble(7), maybeThreshold, row.getBoolean(9), row.getBoolean(10), row.getString(11));
    }

    private interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private <T> List<T> query(String sql, RowMapper<T> mapper, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(mapper.map(result));
                }
            }
            return rows;
        }
    }
}
