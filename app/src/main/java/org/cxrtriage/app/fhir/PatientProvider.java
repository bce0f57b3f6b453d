package org.cxrtriage.app.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.server.IResourceProvider;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

import java.sql.SQLException;
import java.util.List;

/** Patients as known from the DICOM headers of their studies (the most recent study wins). */
@Singleton
public final class PatientProvider implements IResourceProvider {

    private final WorklistReads reads;

    public PatientProvider(WorklistReads reads) {
        this.reads = reads;
    }

    @Override
    public Class<Patient> getResourceType() {
        return Patient.class;
    }

    @Read
    public Patient read(@IdParam IdType id) {
        try {
            List<WorklistReads.StudyRow> studies = reads.studiesOfPatient(id.getIdPart());
            if (studies.isEmpty()) {
                throw FhirErrors.notFound("Patient", id);
            }
            return FhirResources.patient(studies.get(studies.size() - 1));
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }
}
