package org.cxrtriage.app.triage;

import jakarta.inject.Singleton;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.models.registry.FindingScore;
import org.cxrtriage.models.registry.ModelScore;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads what the pipeline needs and writes what it produced: study details from the DICOM
 * headers, model results with their findings, and the worklist item, in one transaction per job.
 */
@Singleton
public final class TriageRecords {

    /** One model run to store: a score, or the reason there is none. */
    public record Outcome(Optional<ModelScore> score, Optional<String> notScoredReason, boolean shadow,
                          Optional<String> sopInstanceUid, WorklistPriority.Decision decision) {
    }

    private final DataSource dataSource;
    private final StorageConfig storage;

    public TriageRecords(DataSource dataSource, StorageConfig storage) {
        this.dataSource = dataSource;
        this.storage = storage;
    }

    /** The spooled radiographs of a study, as recorded when they were received (other objects are never triaged). */
    public List<Path> studyFiles(String studyUid) throws SQLException {
        List<Path> files = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT spool_path FROM instance WHERE study_instance_uid = ? AND kind = 'RADIOGRAPH'"
                             + " ORDER BY received_at, sop_instance_uid")) {
            select.setString(1, studyUid);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    files.add(storage.dataDir().resolve(rows.getString(1)));
                }
            }
        }
        return files;
    }

    /** Thrown when another node took over the job (our lease ran out); nothing was stored. */
    public static final class LeaseLostException extends SQLException {
        LeaseLostException(TriageJob job) {
            super("job " + job.id() + " for study " + job.studyInstanceUid() + " is no longer leased to this worker");
        }
    }

    /**
     * Stores the outcomes of one job, creates or raises the study's worklist item and marks the job
     * {@code finalStatus}, all in one transaction that commits only while {@code owner} still holds
     * the job's lease: a job is stored once even when a slow node and the node that took over both
     * finish it. The active model's outcome (shadow = false) decides the item; priority and score
     * never go down, and the previous active result is marked superseded.
     */
    public void store(TriageJob job, String owner, String finalStatus, String error, Optional<InstanceMetadata> details,
                      List<Outcome> outcomes, Instant now) throws SQLException {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (details.isPresent()) {
                    saveStudyDetails(connection, job.studyInstanceUid(), details.get());
                }
                Long activeResult = null;
                Outcome active = null;
                for (Outcome outcome : outcomes) {
                    long id = insertResult(connection, job, outcome, at);
                    if (!outcome.shadow()) {
                        activeResult = id;
                        active = outcome;
                    }
                }
                if (active != null) {
                    supersedePrevious(connection, job.studyInstanceUid(), activeResult);
                    upsertWorklist(connection, job.studyInstanceUid(), active, activeResult, at);
                }
                try (PreparedStatement finish = connection.prepareStatement("""
                        UPDATE triage_job SET status = ?, finished_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
                         WHERE id = ? AND lease_owner = ? AND status = 'RUNNING'""")) {
                    finish.setString(1, finalStatus);
                    finish.setObject(2, at);
                    finish.setString(3, error == null || error.length() <= 500 ? error : error.substring(0, 500));
                    finish.setLong(4, job.id());
                    finish.setString(5, owner);
                    if (finish.executeUpdate() != 1) {
                        throw new LeaseLostException(job);
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static void saveStudyDetails(Connection connection, String studyUid, InstanceMetadata m) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE study SET patient_key = ?, patient_id = ?, patient_name = ?, patient_sex = ?, patient_birth_date = ?,
                       patient_age_years = ?,
                       accession_number = ?, study_started = ?, description = ?, modality = ?, requested_priority = ?,
                       institution = ?
                 WHERE study_instance_uid = ?""")) {
            update.setString(1, org.cxrtriage.app.fhir.PatientKey.of(m.patientId()));
            update.setString(2, m.patientId());
            update.setString(3, m.patientName());
            update.setString(4, m.patientSex());
            update.setObject(5, m.patientBirthDate().orElse(null));
            update.setObject(6, m.ageYears().orElse(null));
            update.setString(7, m.accessionNumber());
            update.setObject(8, m.studyDate().map(date -> LocalDateTime.of(date, m.studyTime().orElse(java.time.LocalTime.MIDNIGHT))
                    .atZone(ZoneId.systemDefault()).toOffsetDateTime()).orElse(null));
            update.setString(9, m.studyDescription());
            update.setString(10, m.modality());
            update.setString(11, m.requestedPriority().orElse(null));
            update.setString(12, m.institutionName());
            update.setString(13, studyUid);
            update.executeUpdate();
        }
    }

    private static long insertResult(Connection connection, TriageJob job, Outcome outcome, OffsetDateTime at)
            throws SQLException {
        long id;
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO triage_result (study_instance_uid, study_revision, job_id, status, reason, shadow, model_id,
                       model_version, model_sha256, device, sop_instance_uid, triage_score, critical, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
            Optional<ModelScore> score = outcome.score();
            insert.setString(1, job.studyInstanceUid());
            insert.setInt(2, job.studyRevision());
            insert.setLong(3, job.id());
            insert.setString(4, score.isPresent() ? "SCORED" : "NOT_SCORED");
            insert.setString(5, outcome.notScoredReason().orElse(null));
            insert.setBoolean(6, outcome.shadow());
            insert.setString(7, score.map(ModelScore::modelId).orElse(null));
            insert.setString(8, score.map(ModelScore::modelVersion).orElse(null));
            insert.setString(9, score.map(ModelScore::modelSha256).orElse(null));
            insert.setString(10, score.map(s -> s.device().actual().name().toLowerCase()).orElse(null));
            insert.setString(11, outcome.sopInstanceUid().orElse(null));
            insert.setDouble(12, outcome.decision().score());
            insert.setBoolean(13, outcome.decision().critical());
            insert.setObject(14, at);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        if (outcome.score().isPresent()) {
            try (PreparedStatement finding = connection.prepareStatement("""
                    INSERT INTO finding_result (result_id, finding_key, display, code_system, code, raw_output, probability,
                           threshold, positive, critical, severity_weight, calibration_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (FindingScore f : outcome.score().get().findings()) {
                    finding.setLong(1, id);
                    finding.setString(2, f.key());
                    finding.setString(3, f.display());
                    finding.setString(4, f.codeSystem());
                    finding.setString(5, f.code());
                    finding.setDouble(6, f.raw());
                    finding.setDouble(7, f.probability());
                    finding.setObject(8, f.threshold().orElse(null));
                    finding.setBoolean(9, f.positive());
                    finding.setBoolean(10, f.critical());
                    finding.setDouble(11, f.severityWeight());
                    finding.setString(12, f.calibrationVersion());
                    finding.addBatch();
                }
                finding.executeBatch();
            }
        }
        return id;
    }

    private static void supersedePrevious(Connection connection, String studyUid, long newResult) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE triage_result SET superseded_by = ?
                 WHERE study_instance_uid = ? AND shadow = FALSE AND id <> ? AND superseded_by IS NULL""")) {
            update.setLong(1, newResult);
            update.setString(2, studyUid);
            update.setLong(3, newResult);
            update.executeUpdate();
        }
    }

    private static void upsertWorklist(Connection connection, String studyUid, Outcome outcome, long resultId,
                                       OffsetDateTime at) throws SQLException {
        WorklistPriority.Decision decision = outcome.decision();
        String businessStatus = outcome.score().isPresent() ? "scored" : "not-scored";
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT priority, triage_score, critical FROM worklist_item WHERE study_instance_uid = ? FOR UPDATE")) {
            select.setString(1, studyUid);
            try (ResultSet row = select.executeQuery()) {
                if (row.next()) {
                    WorklistPriority.Decision previous = new WorklistPriority.Decision(
                            TaskPriority.valueOf(row.getString(1).toUpperCase()), row.getDouble(2), row.getBoolean(3));
                    decision = decision.atLeast(previous);
                    try (PreparedStatement update = connection.prepareStatement("""
                            UPDATE worklist_item SET priority = ?, priority_rank = ?, triage_score = ?,
                                   aged_score = GREATEST(aged_score, ?), critical = ?, business_status = ?, reason = ?,
                                   current_result_id = ?, last_modified = ?
                             WHERE study_instance_uid = ?""")) {
                        update.setString(1, decision.priority().code());
                        update.setInt(2, decision.priority().ordinal());
                        update.setDouble(3, decision.score());
                        update.setDouble(4, decision.score());
                        update.setBoolean(5, decision.critical());
                        update.setString(6, businessStatus);
                        update.setString(7, outcome.notScoredReason().orElse(null));
                        update.setLong(8, resultId);
                        update.setObject(9, at);
                        update.setString(10, studyUid);
                        update.executeUpdate();
                    }
                    return;
                }
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO worklist_item (study_instance_uid, status, priority, priority_rank, triage_score, aged_score,
                       critical, business_status, reason, current_result_id, authored_on, last_modified)
                VALUES (?, 'ready', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, studyUid);
            insert.setString(2, decision.priority().code());
            insert.setInt(3, decision.priority().ordinal());
            insert.setDouble(4, decision.score());
            insert.setDouble(5, decision.score());
            insert.setBoolean(6, decision.critical());
            insert.setString(7, businessStatus);
            insert.setString(8, outcome.notScoredReason().orElse(null));
            insert.setLong(9, resultId);
            insert.setObject(10, at);
            insert.setObject(11, at);
            insert.executeUpdate();
        }
    }
}
