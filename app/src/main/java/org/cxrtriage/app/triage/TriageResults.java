package org.cxrtriage.app.triage;

import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.worklist.BusinessStatus;
import org.cxrtriage.app.worklist.PatientKey;
import org.cxrtriage.app.worklist.WorklistItems;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.models.registry.FindingScore;
import org.cxrtriage.models.registry.ModelScore;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Stores what triage produced, in one transaction per job that commits only while the worker
 * still holds the job's lease: the study's header details, every model's result with its
 * findings, the worklist decision of the active model (the earlier active result marked
 * superseded), and the job's completion. A job is stored once even when two nodes race.
 */
@Singleton
public final class TriageResults {

    private final Sql sql;

    public TriageResults(Sql sql) {
        this.sql = sql;
    }

    /** Stores a triaged study and marks its job DONE. */
    public void store(TriageJob job, String owner, StudyOutcome outcome, Instant now) throws SQLException, LeaseLostException {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        sql.inTransaction(connection -> {
            if (outcome.details().isPresent()) {
                saveStudyDetails(connection, job.studyInstanceUid(), outcome.details().get());
            }
            decide(connection, job, outcome.active(), at);
            for (Outcome shadow : outcome.shadows()) {
                insertResult(connection, job, shadow, at);
            }
            JobQueue.complete(connection, job, owner, JobState.DONE, null, at);
            return null;
        });
    }

    /** Stores the study as "not scored: error" after the job's last failed attempt, and marks the job FAILED. */
    public void storeFailure(TriageJob job, String owner, String error, Instant now) throws SQLException, LeaseLostException {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        sql.inTransaction(connection -> {
            decide(connection, job, Outcome.notScored("error: " + error, Optional.empty(), false), at);
            JobQueue.complete(connection, job, owner, JobState.FAILED, error, at);
            return null;
        });
    }

    /**
     * The spooled radiographs of a study (relative to the data directory), as recorded when they
     * were received; other objects (SR, presentation states, CT, ...) are never triaged.
     */
    public List<String> studyFiles(String studyUid) throws SQLException {
        return sql.query("SELECT spool_path FROM instance WHERE study_instance_uid = ? AND kind = 'RADIOGRAPH'"
                + " ORDER BY received_at, sop_instance_uid", row -> row.getString(1), studyUid);
    }

    private static void decide(Connection connection, TriageJob job, Outcome active, OffsetDateTime at) throws SQLException {
        long result = insertResult(connection, job, active, at);
        Sql.update(connection, """
                UPDATE triage_result SET superseded_by = ?
                 WHERE study_instance_uid = ? AND shadow = FALSE AND id <> ? AND superseded_by IS NULL""",
                result, job.studyInstanceUid(), result);
        WorklistItems.decide(connection, job.studyInstanceUid(), active.decision(),
                active.scored() ? BusinessStatus.SCORED : BusinessStatus.NOT_SCORED, active.notScoredReason(), result, at);
    }

    private static void saveStudyDetails(Connection connection, String studyUid, InstanceMetadata m) throws SQLException {
        String patientId = HeaderValues.bound(m.patientId(), HeaderValues.LO);
        Sql.update(connection, """
                UPDATE study SET patient_key = ?, patient_id = ?, patient_name = ?, patient_sex = ?, patient_birth_date = ?,
                       patient_age_years = ?, accession_number = ?, study_started = ?, description = ?, modality = ?,
                       requested_priority = ?, institution = ?
                 WHERE study_instance_uid = ?""", PatientKey.of(patientId), patientId, HeaderValues.personName(m.patientName()),
                HeaderValues.bound(m.patientSex(), HeaderValues.CS), m.patientBirthDate().orElse(null),
                HeaderValues.plausibleAge(m.ageYears().orElse(null)), HeaderValues.bound(m.accessionNumber(), HeaderValues.SH),
                m.studyDate().map(date -> LocalDateTime.of(date, m.studyTime().orElse(java.time.LocalTime.MIDNIGHT))
                        .atZone(ZoneId.systemDefault()).toOffsetDateTime()).orElse(null),
                HeaderValues.bound(m.studyDescription(), HeaderValues.LO), HeaderValues.bound(m.modality(), HeaderValues.CS),
                HeaderValues.bound(m.requestedPriority().orElse(null), HeaderValues.CS),
                HeaderValues.bound(m.institutionName(), HeaderValues.LO), studyUid);
    }

    private static long insertResult(Connection connection, TriageJob job, Outcome outcome, OffsetDateTime at)
            throws SQLException {
        Optional<ModelScore> score = outcome.score();
        long id = Sql.insert(connection, """
                INSERT INTO triage_result (study_instance_uid, study_revision, job_id, status, reason, shadow, model_id,
                       model_version, model_sha256, device, sop_instance_uid, triage_score, critical, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", job.studyInstanceUid(), job.studyRevision(), job.id(),
                score.isPresent() ? "SCORED" : "NOT_SCORED", outcome.notScoredReason().orElse(null), outcome.shadow(),
                score.map(ModelScore::modelId).orElse(null), score.map(ModelScore::modelVersion).orElse(null),
                score.map(ModelScore::modelSha256).orElse(null),
                score.map(s -> s.device().actual().name().toLowerCase(Locale.ROOT)).orElse(null),
                outcome.sopInstanceUid().orElse(null), outcome.decision().score(), outcome.decision().critical(), at);
        if (score.isPresent()) {
            List<Object[]> findings = new ArrayList<>();
            for (FindingScore f : score.get().findings()) {
                findings.add(new Object[] {id, f.key(), f.display(), f.codeSystem(), f.code(), f.raw(), f.probability(),
                        f.threshold().orElse(null), f.positive(), f.critical(), f.severityWeight(), f.calibrationVersion()});
            }
            Sql.batch(connection, """
                    INSERT INTO finding_result (result_id, finding_key, display, code_system, code, raw_output, probability,
                           threshold, positive, critical, severity_weight, calibration_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", findings);
        }
        return id;
    }
}
