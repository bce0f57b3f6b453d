package org.cxrtriage.app.worklist;

import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every read of the worklist and its evidence, for the FHIR API and the web page alike, as typed
 * rows. Every query is parameterised; searches arrive typed ({@link TaskSearch}, {@link StudySearch}).
 */
@Singleton
public final class WorklistQueries {

    private static final String STUDY_COLUMNS = """
            study_instance_uid, patient_id, issuer_of_patient_id, patient_key, patient_name, patient_sex, patient_birth_date,
            patient_age_years, accession_number, study_started, description, modality, institution, instance_count,
            first_received_at, last_received_at, revision""";
    private static final int STUDY_COLUMN_COUNT = STUDY_COLUMNS.split(",").length;
    private static final String TASK_COLUMNS = """
            study_instance_uid, status, priority, triage_score, aged_score, critical, business_status, reason,
            current_result_id, owner, authored_on, last_modified, version""";
    private static final String RESULT_COLUMNS = """
            id, study_instance_uid, study_revision, status, reason, shadow, model_id, model_version, model_sha256, device,
            sop_instance_uid, triage_score, critical, superseded_by, created_at, reliable, reliability_reason""";
    private static final String FINDING_COLUMNS = """
            id, result_id, finding_key, display, code_system, code, probability, threshold, positive, critical,
            calibration_version""";
    /** Chunk size for IN lists: well below every database's limit on bound parameters. */
    private static final int IN_CHUNK = 500;

    private final Sql sql;

    public WorklistQueries(Sql sql) {
        this.sql = sql;
    }

    public Optional<StudyRow> study(String uid) throws SQLException {
        return sql.queryOne("SELECT " + STUDY_COLUMNS + " FROM study WHERE study_instance_uid = ?", WorklistQueries::study, uid);
    }

    /** Studies whose details are known (a worker has read them), oldest first. */
    public List<StudyRow> studies(StudySearch search) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE patient_key IS NOT NULL");
        List<Object> parameters = new ArrayList<>();
        search.identifier().ifPresent(identifier -> {
            where.append(" AND (study_instance_uid = ? OR accession_number = ?)");
            parameters.add(identifier.replaceFirst("^urn:oid:", ""));
            parameters.add(identifier);
        });
        search.patientKey().ifPresent(key -> {
            where.append(" AND patient_key = ?");
            parameters.add(key);
        });
        search.startedFrom().ifPresent(from -> {
            where.append(" AND study_started >= ?");
            parameters.add(utc(from));
        });
        search.startedTo().ifPresent(to -> {
            where.append(" AND study_started <= ?");
            parameters.add(utc(to));
        });
        return sql.query("SELECT " + STUDY_COLUMNS + " FROM study" + where + " ORDER BY first_received_at",
                WorklistQueries::study, parameters.toArray());
    }

    public List<InstanceRow> instances(String studyUid) throws SQLException {
        return sql.query("SELECT sop_instance_uid, sop_class_uid, series_instance_uid FROM instance WHERE study_instance_uid = ?"
                + " ORDER BY series_instance_uid, received_at", row -> new InstanceRow(row.getString(1), row.getString(2),
                row.getString(3)), studyUid);
    }

    /** The instance, with its sender and its spooled file while the pixel data is kept. */
    public Optional<InstanceFile> instanceFile(String sopInstanceUid) throws SQLException {
        return sql.queryOne("SELECT sop_instance_uid, sop_class_uid, series_instance_uid, calling_ae_title, spool_path,"
                + " pixels_deleted_at FROM instance WHERE sop_instance_uid = ?", row -> new InstanceFile(row.getString(1),
                row.getString(2), row.getString(3), row.getString(4),
                Optional.ofNullable(row.getObject(6) == null ? row.getString(5) : null)), sopInstanceUid);
    }

    public Optional<TaskRow> task(String studyUid) throws SQLException {
        return sql.queryOne("SELECT " + TASK_COLUMNS + " FROM worklist_item WHERE study_instance_uid = ?",
                WorklistQueries::task, studyUid);
    }

    public List<TaskRow> tasks(TaskSearch search) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        in(where, parameters, "status", search.statuses());
        in(where, parameters, "priority", search.priorities());
        in(where, parameters, "study_instance_uid", search.ids());
        in(where, parameters, "business_status", search.businessStatuses());
        search.patientKey().ifPresent(key -> {
            where.append(" AND study_instance_uid IN (SELECT study_instance_uid FROM study WHERE patient_key = ?)");
            parameters.add(key);
        });
        search.owner().ifPresent(owner -> {
            where.append(" AND owner = ?");
            parameters.add(owner);
        });
        search.studyUid().ifPresent(uid -> {
            where.append(" AND study_instance_uid = ?");
            parameters.add(uid);
        });
        search.score().ifPresent(bound -> {
            where.append(" AND triage_score ").append(bound.comparison().sql).append(" ?");
            parameters.add(bound.value());
        });
        search.modifiedFrom().ifPresent(from -> {
            where.append(" AND last_modified >= ?");
            parameters.add(utc(from));
        });
        search.modifiedTo().ifPresent(to -> {
            where.append(" AND last_modified <= ?");
            parameters.add(utc(to));
        });
        return sql.query("SELECT " + TASK_COLUMNS + " FROM worklist_item" + where + " ORDER BY "
                + WorklistOrder.of(search.sort()), WorklistQueries::task, parameters.toArray());
    }

    /** Each study's Patient key (the FHIR Patient id), for the studies that have one. */
    public Map<String, String> patientKeys(List<String> studyUids) throws SQLException {
        Map<String, String> keys = new HashMap<>();
        for (List<String> chunk : chunks(studyUids)) {
            for (String[] pair : sql.query("SELECT study_instance_uid, patient_key FROM study WHERE patient_key IS NOT NULL"
                    + " AND study_instance_uid IN (" + Sql.marks(chunk.size()) + ")",
                    row -> new String[] {row.getString(1), row.getString(2)}, chunk.toArray())) {
                keys.put(pair[0], pair[1]);
            }
        }
        return keys;
    }

    public Optional<ResultRow> result(long id) throws SQLException {
        return sql.queryOne("SELECT " + RESULT_COLUMNS + " FROM triage_result WHERE id = ?", WorklistQueries::result, id);
    }

    /** Scored results (active and shadow), optionally of one study or of one patient's studies, in order. */
    public List<ResultRow> scoredResults(Optional<String> studyUid, Optional<String> patientKey) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE status = 'SCORED'");
        List<Object> parameters = new ArrayList<>();
        studyUid.ifPresent(uid -> {
            where.append(" AND study_instance_uid = ?");
            parameters.add(uid);
        });
        patientKey.ifPresent(key -> {
            where.append(" AND study_instance_uid IN (SELECT study_instance_uid FROM study WHERE patient_key = ?)");
            parameters.add(key);
        });
        return sql.query("SELECT " + RESULT_COLUMNS + " FROM triage_result" + where + " ORDER BY id", WorklistQueries::result,
                parameters.toArray());
    }

    /** The active result that {@code resultId} superseded (the study's previous version), if any. */
    public Optional<ResultRow> previousActive(long resultId) throws SQLException {
        return sql.queryOne("SELECT " + RESULT_COLUMNS + " FROM triage_result WHERE superseded_by = ? AND shadow = FALSE"
                + " ORDER BY id DESC", WorklistQueries::result, resultId);
    }

    /** The results that {@code resultId} superseded (earlier revisions of its study), oldest first. */
    public List<ResultRow> supersededBy(long resultId) throws SQLException {
        return sql.query("SELECT " + RESULT_COLUMNS + " FROM triage_result WHERE superseded_by = ? ORDER BY id",
                WorklistQueries::result, resultId);
    }

    public Optional<ResultRow> scoredResult(long id) throws SQLException {
        return result(id).filter(result -> "SCORED".equals(result.status()));
    }

    public Optional<FindingRow> finding(long id) throws SQLException {
        return sql.queryOne("SELECT " + FINDING_COLUMNS + " FROM finding_result WHERE id = ?", WorklistQueries::finding, id);
    }

    public List<FindingRow> findings(long resultId) throws SQLException {
        return sql.query("SELECT " + FINDING_COLUMNS + " FROM finding_result WHERE result_id = ? ORDER BY id",
                WorklistQueries::finding, resultId);
    }

    /** The findings of several results at once, by result id. */
    public Map<Long, List<FindingRow>> findings(List<Long> resultIds) throws SQLException {
        Map<Long, List<FindingRow>> findings = new LinkedHashMap<>();
        for (List<Long> chunk : chunks(resultIds)) {
            for (FindingRow finding : sql.query("SELECT " + FINDING_COLUMNS + " FROM finding_result WHERE result_id IN ("
                    + Sql.marks(chunk.size()) + ") ORDER BY id", WorklistQueries::finding, chunk.toArray())) {
                findings.computeIfAbsent(finding.resultId(), id -> new ArrayList<>()).add(finding);
            }
        }
        return findings;
    }

    /** The worklist as the web page lists it, most urgent first, each line with its study and findings. */
    public List<WorklistEntry> entries() throws SQLException {
        return entries("", List.of());
    }

    public Optional<WorklistEntry> entry(String studyUid) throws SQLException {
        return entries(" AND w.study_instance_uid = ?", List.of(studyUid)).stream().findFirst();
    }

    /**
     * When the study arrived, when its current result was created, when it was first looked at,
     * claimed by its current reader and reviewed, and which model scored it, and whether that
     * version was calibrated at this site: the web's timeline.
     */
    public record Timeline(OffsetDateTime received, OffsetDateTime scored, OffsetDateTime opened, OffsetDateTime claimed,
                           OffsetDateTime reviewed, String modelId, String modelVersion, String device,
                           boolean siteCalibrated) {
    }

    public Optional<Timeline> timeline(String studyUid) throws SQLException {
        return sql.queryOne("""
                SELECT s.first_received_at, r.created_at, w.first_opened_at, w.claimed_at, w.completed_at, r.model_id,
                       r.model_version, r.device, v.site_calibration
                  FROM worklist_item w JOIN study s ON s.study_instance_uid = w.study_instance_uid
                  LEFT JOIN triage_result r ON r.id = w.current_result_id
                  LEFT JOIN model_version v ON v.model_id = r.model_id AND v.version = r.model_version
                 WHERE w.study_instance_uid = ?""", row -> new Timeline(row.getObject(1, OffsetDateTime.class),
                row.getObject(2, OffsetDateTime.class), row.getObject(3, OffsetDateTime.class),
                row.getObject(4, OffsetDateTime.class), row.getObject(5, OffsetDateTime.class), row.getString(6),
                row.getString(7), row.getString(8), row.getString(9) != null), studyUid);
    }

    /** {@code actor}'s current view (latest feedback) of each of these findings that they gave one, by finding id. */
    public Map<Long, FeedbackRow> latestFeedback(String actor, List<Long> findingIds) throws SQLException {
        Map<Long, FeedbackRow> latest = new HashMap<>();
        for (List<Long> chunk : chunks(findingIds)) {
            List<Object> parameters = new ArrayList<>(chunk);
            parameters.add(0, actor);
            for (FeedbackRow row : sql.query("""
                    SELECT f.finding_result_id, f.actor, f.agree, f.reason, f.occurred_at FROM finding_feedback f
                     WHERE f.actor = ? AND f.finding_result_id IN (""" + Sql.marks(chunk.size()) + """
                    )
                       AND f.id = (SELECT MAX(g.id) FROM finding_feedback g
                                    WHERE g.finding_result_id = f.finding_result_id AND g.actor = f.actor)""",
                    row -> new FeedbackRow(row.getLong(1), row.getString(2), row.getBoolean(3), row.getString(4),
                            row.getObject(5, OffsetDateTime.class)), parameters.toArray())) {
                latest.put(row.findingId(), row);
            }
        }
        return latest;
    }

    /**
     * The study's instances with pixel data still in the spool, for the viewer: the scored image
     * first, then by series and arrival. Objects that were not kept (no spool path) or whose pixels
     * were deleted after the retention period are left out.
     */
    public List<ImageRow> images(String studyUid) throws SQLException {
        return sql.query("""
                SELECT i.sop_instance_uid, i.series_instance_uid, i.sop_class_uid, i.kind, i.spool_path,
                       CASE WHEN r.sop_instance_uid = i.sop_instance_uid THEN 1 ELSE 0 END AS scored
                  FROM instance i
                  LEFT JOIN worklist_item w ON w.study_instance_uid = i.study_instance_uid
                  LEFT JOIN triage_result r ON r.id = w.current_result_id
                 WHERE i.study_instance_uid = ? AND i.kind <> 'NON_IMAGE' AND i.spool_path IS NOT NULL
                   AND i.pixels_deleted_at IS NULL
                 ORDER BY scored DESC, i.series_instance_uid, i.received_at, i.sop_instance_uid""",
                row -> new ImageRow(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                        row.getInt(6) == 1), studyUid);
    }

    /** The spooled instance to preview: the one the current result scored, else any of the study's. */
    public Optional<String> previewSpoolPath(String studyUid) throws SQLException {
        return sql.queryOne("""
                SELECT i.spool_path FROM worklist_item w
                  JOIN triage_result r ON r.id = w.current_result_id
                  JOIN instance i ON i.sop_instance_uid = r.sop_instance_uid
                 WHERE w.study_instance_uid = ?
                UNION ALL
                SELECT spool_path FROM instance WHERE study_instance_uid = ? AND kind = 'RADIOGRAPH'""", row -> row.getString(1),
                studyUid, studyUid);
    }

    /** The newest change to the worklist or to anybody's feedback, for cheap "anything new?" polling. */
    public String version() throws SQLException {
        return sql.queryOne("SELECT COUNT(*), MAX(last_modified), (SELECT MAX(id) FROM finding_feedback) FROM worklist_item",
                row -> {
                    OffsetDateTime latest = row.getObject(2, OffsetDateTime.class);
                    return row.getLong(1) + "-" + (latest == null ? "0" : latest.toInstant().toEpochMilli()) + "-"
                            + row.getLong(3);
                }).orElseThrow();
    }

    private List<WorklistEntry> entries(String where, List<Object> parameters) throws SQLException {
        List<WorklistEntry> entries = new ArrayList<>();
        List<TaskRow> tasks = new ArrayList<>();
        List<StudyRow> studies = new ArrayList<>();
        List<WorklistEntry.Reading> readings = new ArrayList<>();
        sql.query("SELECT " + qualified("w", TASK_COLUMNS) + ", " + qualified("s", STUDY_COLUMNS)
                + ", w.first_opened_at, w.claimed_at, w.completed_at"
                + " FROM worklist_item w JOIN study s ON s.study_instance_uid = w.study_instance_uid WHERE 1 = 1" + where
                + " ORDER BY " + WorklistOrder.byUrgency("w"), row -> {
                    tasks.add(task(row));
                    studies.add(study(row, 14));
                    // after the task's and the study's columns (13 and STUDY_COLUMN_COUNT of them)
                    int reading = 14 + STUDY_COLUMN_COUNT;
                    readings.add(new WorklistEntry.Reading(row.getObject(reading, OffsetDateTime.class),
                            row.getObject(reading + 1, OffsetDateTime.class), row.getObject(reading + 2, OffsetDateTime.class)));
                    return null;
                }, parameters.toArray());
        Map<Long, List<FindingRow>> findings = findings(tasks.stream().map(TaskRow::currentResultId)
                .filter(java.util.Objects::nonNull).toList());
        for (int i = 0; i < tasks.size(); i++) {
            Long result = tasks.get(i).currentResultId();
            entries.add(new WorklistEntry(tasks.get(i), studies.get(i), result == null ? List.of()
                    : findings.getOrDefault(result, List.of()), readings.get(i)));
        }
        return entries;
    }

    private static String qualified(String alias, String columns) {
        return String.join(", ", java.util.Arrays.stream(columns.split(",")).map(String::strip)
                .map(column -> alias + "." + column).toList());
    }

    private static void in(StringBuilder where, List<Object> parameters, String column, List<String> values) {
        if (!values.isEmpty()) {
            where.append(" AND ").append(column).append(" IN (").append(Sql.marks(values.size())).append(")");
            parameters.addAll(values);
        }
    }

    private static <T> List<List<T>> chunks(List<T> values) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < values.size(); from += IN_CHUNK) {
            chunks.add(values.subList(from, Math.min(values.size(), from + IN_CHUNK)));
        }
        return chunks;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static StudyRow study(ResultSet row) throws SQLException {
        return study(row, 1);
    }

    private static StudyRow study(ResultSet row, int first) throws SQLException {
        int c = first;
        return new StudyRow(row.getString(c), row.getString(c + 1), row.getString(c + 2), row.getString(c + 3),
                row.getString(c + 4), row.getString(c + 5), row.getObject(c + 6, LocalDate.class),
                row.getObject(c + 7, Integer.class), row.getString(c + 8), row.getObject(c + 9, OffsetDateTime.class),
                row.getString(c + 10), row.getString(c + 11), row.getString(c + 12), row.getInt(c + 13),
                row.getObject(c + 14, OffsetDateTime.class), row.getObject(c + 15, OffsetDateTime.class), row.getInt(c + 16));
    }

    private static TaskRow task(ResultSet row) throws SQLException {
        return new TaskRow(row.getString(1), row.getString(2), row.getString(3), row.getDouble(4), row.getDouble(5),
                row.getBoolean(6), row.getString(7), row.getString(8), row.getObject(9, Long.class), row.getString(10),
                row.getObject(11, OffsetDateTime.class), row.getObject(12, OffsetDateTime.class), row.getLong(13));
    }

    private static ResultRow result(ResultSet row) throws SQLException {
        return new ResultRow(row.getLong(1), row.getString(2), row.getInt(3), row.getString(4), row.getString(5),
                row.getBoolean(6), row.getString(7), row.getString(8), row.getString(9), row.getString(10), row.getString(11),
                row.getDouble(12), row.getBoolean(13), row.getObject(14, Long.class), row.getObject(15, OffsetDateTime.class),
                row.getObject(16, Boolean.class), row.getString(17));
    }

    private static FindingRow finding(ResultSet row) throws SQLException {
        return new FindingRow(row.getLong(1), row.getLong(2), row.getString(3), row.getString(4), row.getString(5),
                row.getString(6), row.getDouble(7), row.getObject(8, Double.class), row.getBoolean(9), row.getBoolean(10),
                row.getString(11));
    }
}
