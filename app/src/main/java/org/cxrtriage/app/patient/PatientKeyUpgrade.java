package org.cxrtriage.app.patient;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;

/**
 * Studies recorded before patient keys were keyed hashes carry the old, reversible key (an unsalted
 * hash of the Patient ID). At start-up they get their keyed one ({@link PatientIdentity#patientKey}),
 * so FHIR Patient ids of old and new studies agree and none can be reversed. Idempotent.
 */
@Singleton
final class PatientKeyUpgrade {

    private static final Logger log = LoggerFactory.getLogger(PatientKeyUpgrade.class);
    private static final int KEYED_LENGTH = "pat-".length() + 32;

    private record Old(String studyUid, String issuer, String patientId) {
    }

    private final Sql sql;
    private final PatientIdentity patients;

    PatientKeyUpgrade(Sql sql, PatientIdentity patients) {
        this.sql = sql;
        this.patients = patients;
    }

    @EventListener
    void onStartup(StartupEvent event) throws SQLException {
        List<Old> old = sql.query("SELECT study_instance_uid, issuer_of_patient_id, patient_id FROM study"
                + " WHERE patient_key IS NOT NULL AND LENGTH(patient_key) <> ?", row -> new Old(row.getString(1),
                row.getString(2), row.getString(3)), KEYED_LENGTH);
        for (Old study : old) {
            sql.update("UPDATE study SET patient_key = ? WHERE study_instance_uid = ?",
                    patients.patientKey(study.issuer(), study.patientId(), study.studyUid()), study.studyUid());
        }
        if (!old.isEmpty()) {
            log.info("gave {} study(ies) recorded by an earlier release their keyed patient id", old.size());
        }
    }
}
