package org.cxrtriage.app.worklist;

import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * A received study with the details its DICOM headers gave (present once a worker has read them).
 *
 * @param patientKey the keyed hash that names the study's Patient (FHIR Patient id); null until known
 * @param lastReceived when its newest instance arrived
 * @param revision     raised each time the study is (re)assembled for triage
 */
public record StudyRow(String uid, String patientId, String issuerOfPatientId, String patientKey, String patientName,
                       String patientSex,
                       LocalDate birthDate, Integer ageYears, String accession, OffsetDateTime started, String description,
                       String modality, String institution, int instanceCount, OffsetDateTime firstReceived,
                       OffsetDateTime lastReceived, int revision) {
}
