package org.cxrtriage.app.fhir;

import org.cxrtriage.app.worklist.StudyRow;
import org.cxrtriage.app.worklist.StudySearch;
import org.cxrtriage.app.worklist.WorklistQueries;
import java.util.Optional;

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

    private final WorklistQueries queries;

    public PatientProvider(WorklistQueries queries) {
        this.queries = queries;
    }

    @Override
    public Class<Patient> getResourceType() {
        return Patient.class;
    }

    @Read
    public Patient read(@IdParam IdType id) {
        try {
            List<StudyRow> studies = queries.studies(new StudySearch(Optional.empty(), Optional.of(id.getIdPart()),
                    Optional.empty(), Optional.empty()));
            if (studies.isEmpty()) {
                throw FhirErrors.notFound("Patient", id);
            }
            return FhirResources.patient(studies.get(studies.size() - 1));
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }
}
