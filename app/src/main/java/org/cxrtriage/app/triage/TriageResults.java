package org.cxrtriage.app.triage;

import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.delivery.DeliveryOutbox;
import org.cxrtriage.app.delivery.OutboxMessage;
import org.cxrtriage.app.patient.PatientIdentity;
import org.cxrtriage.app.worklist.WorklistPriority;
import org.cxrtriage.models.reliability.Verdict;
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
 * superseded), the result's deliveries (the outbox), and the job's completion. A job is stored
 * once even when two nodes race.
 */
@Singleton
public final class TriageResults {

    private final Sql sql;
    private final PatientIdentity patients;
    private final DeliveryOutbox outbox;

    public TriageResults(Sql sql, PatientIdentity patients, DeliveryOutbox outbox) {
        this.sql = sql;
        this.patients = patients;
        this.outbox = outbox;
    }

    private record Patient(Integer ageYears, String sex) {
    }

    /** Stores a triaged study and marks its job DONE. */
    public void store(TriageJob job, String owner, StudyOutcome outcome, Instant now) throws SQLException, LeaseLostException {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        sql.inTransaction(connection -> {
            if (outcome.details().isPresent()) {
                saveStudyDetails(connection, job.studyInstanceUid(), outcome.details().get());
            }
            decide(connection, job, outcome.active(), outcome.details().flatMap(InstanceMetadata::requestedPriority), at);
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
            decide(connection, job, Outcome.failed(error), Optional.empty(), at);
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

    /** Stores the active outcome, puts it on the worklist and queues its deliveries. */
    private void decide(Connection connection, TriageJob job, Outcome active, Optional<String> requestedPriority,
                        OffsetDateTime at) throws SQLException {
        long result = insertResult(connection, job, active, at);
        Sql.update(connection, """
                UPDATE triage_result SET superseded_by = ?
                 WHERE study_instance_uid = ? AND shadow = FALSE AND id <> ? AND superseded_by IS NULL""",
                result, job.studyInstanceUid(), result);
        WorklistPriority.Decision item = WorklistItems.decide(connection, job.studyInstanceUid(), active.decision(),
                active.status(), active.reason(), result, at);
        boolean raisedByAi = active.status().aiDecides() && WorklistPriority.aiRaises(requestedPriority, active.score());
        outbox.enqueue(connection, new OutboxMessage(job.studyInstanceUid(), result, job.studyRevision(), active.status(),
                item.priority(), raisedByAi), at);
    }

    private void saveStudyDetails(Connection connection, String studyUid, InstanceMetadata m) throws SQLException {
        String patientId = HeaderValues.bound(m.patientId(), HeaderValues.LO);
        String issuer = HeaderValues.bound(m.issuerOfPatientId(), HeaderValues.LO);
        Sql.update(connection, """
                UPDATE study SET patient_key = ?, patient_id = ?, issuer_of_patient_id = ?, patient_name = ?, patient_sex = ?,
                       patient_birth_date = ?, patient_age_years = ?, accession_number = ?, study_started = ?, description = ?,
                       modality = ?, requested_priority = ?, institution = ?
                 WHERE study_instance_uid = ?""", patients.patientKey(issuer, patientId, studyUid), blankAsNull(patientId),
                blankAsNull(issuer), HeaderValues.personName(m.patientName()),
                HeaderValues.bound(m.patientSex(), HeaderValues.CS), m.patientBirthDate().orElse(null),
                HeaderValues.plausibleAge(m.ageYears().orElse(null)), HeaderValues.bound(m.accessionNumber(), HeaderValues.SH),
                m.studyDate().map(date -> started(date, m)).orElse(null),
                HeaderValues.bound(m.studyDescription(), HeaderValues.LO), HeaderValues.bound(m.modality(), HeaderValues.CS),
                HeaderValues.bound(m.requestedPriority().orElse(null), HeaderValues.CS),
                HeaderValues.bound(m.institutionName(), HeaderValues.LO), studyUid);
    }

    /** The study's start in its own time zone (Timezone Offset From UTC), else the server's. */
    private static OffsetDateTime started(java.time.LocalDate date, InstanceMetadata m) {
        LocalDateTime local = LocalDateTime.of(date, m.studyTime().orElse(java.time.LocalTime.MIDNIGHT));
        return m.timezoneOffset().map(local::atOffset).orElseGet(() -> local.atZone(ZoneId.systemDefault()).toOffsetDateTime());
    }

    private static String blankAsNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static long insertResult(Connection connection, TriageJob job, Outcome outcome, OffsetDateTime at)
            throws SQLException {
        Optional<ModelScore> score = outcome.score();
        WorklistPriority.Decision model = score.map(s -> WorklistPriority.decide(Optional.empty(), Optional.of(s)))
                .orElse(outcome.decision());
        Optional<Verdict> verdict = outcome.verdict();
        Optional<Patient> patient = Sql.queryOne(connection, "SELECT patient_age_years, patient_sex FROM study"
                + " WHERE study_instance_uid = ?", row -> new Patient(row.getObject(1, Integer.class), row.getString(2)),
                job.studyInstanceUid());
        Optional<String> caller = outcome.sopInstanceUid().isEmpty() ? Optional.empty() : Sql.queryOne(connection,
                "SELECT calling_ae_title FROM instance WHERE sop_instance_uid = ?", row -> row.getString(1),
                outcome.sopInstanceUid().get());
        long id = Sql.insert(connection, """
                INSERT INTO triage_result (study_instance_uid, study_revision, job_id, status, reason, shadow, model_id,
                       model_version, model_sha256, device, sop_instance_uid, triage_score, critical, created_at,
                       reliable, reliability_reason, reliability_score, calling_ae_title, numeric_facts, categorical_facts,
                       patient_age_years, patient_sex)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", job.studyInstanceUid(),
                job.studyRevision(), job.id(), score.isPresent() ? "SCORED" : "NOT_SCORED", outcome.reason().orElse(null),
                outcome.shadow(), score.map(ModelScore::modelId).orElse(null), score.map(ModelScore::modelVersion).orElse(null),
                score.map(ModelScore::modelSha256).orElse(null),
                score.map(s -> s.device().actual().name().toLowerCase(Locale.ROOT)).orElse(null),
                outcome.sopInstanceUid().orElse(null), model.score(), model.critical(), at,
                verdict.map(Verdict::reliable).orElse(null),
                verdict.map(v -> HeaderValues.bound(v.reason(), 500)).filter(r -> !r.isEmpty()).orElse(null),
                verdict.map(Verdict::score).filter(Double::isFinite).orElse(null), caller.orElse(null),
                FactsJson.numeric(outcome.facts().numeric()), FactsJson.categorical(outcome.facts().categorical()),
                patient.map(Patient::ageYears).orElse(null), patient.map(Patient::sex).orElse(null));
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
