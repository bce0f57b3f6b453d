package org.cxrtriage.app.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ImagingStudy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Received studies as ImagingStudy. Search by identifier (study UID or accession), patient and started. */
@Singleton
public final class ImagingStudyProvider implements IResourceProvider {

    private final WorklistReads reads;

    public ImagingStudyProvider(WorklistReads reads) {
        this.reads = reads;
    }

    @Override
    public Class<ImagingStudy> getResourceType() {
        return ImagingStudy.class;
    }

    @Read
    public ImagingStudy read(@IdParam IdType id) {
        try {
            WorklistReads.StudyRow study = reads.study(id.getIdPart()).filter(s -> s.patientId() != null)
                    .orElseThrow(() -> FhirErrors.notFound("ImagingStudy", id));
            return FhirResources.imagingStudy(study, reads.instances(study.uid()));
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    @Search
    public List<ImagingStudy> search(@OptionalParam(name = ImagingStudy.SP_IDENTIFIER) TokenParam identifier,
                                     @OptionalParam(name = ImagingStudy.SP_PATIENT) ReferenceParam patient,
                                     @OptionalParam(name = ImagingStudy.SP_STARTED) DateRangeParam started) {
        StringBuilder where = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        if (identifier != null) {
            String value = identifier.getValue().replaceFirst("^urn:oid:", "");
            where.append(" AND (study_instance_uid = ? OR accession_number = ?)");
            parameters.add(value);
            parameters.add(identifier.getValue());
        }
        if (patient != null) {
            where.append(" AND patient_key = ?");
            parameters.add(patient.getIdPart());
        }
        if (started != null && started.getLowerBoundAsInstant() != null) {
            where.append(" AND study_started >= ?");
            parameters.add(started.getLowerBoundAsInstant().toInstant().atOffset(java.time.ZoneOffset.UTC));
        }
        if (started != null && started.getUpperBoundAsInstant() != null) {
            where.append(" AND study_started <= ?");
            parameters.add(started.getUpperBoundAsInstant().toInstant().atOffset(java.time.ZoneOffset.UTC));
        }
        try {
            List<ImagingStudy> studies = new ArrayList<>();
            for (WorklistReads.StudyRow study : reads.studies(where.toString(), parameters.toArray())) {
                studies.add(FhirResources.imagingStudy(study, reads.instances(study.uid())));
            }
            return studies;
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }
}
