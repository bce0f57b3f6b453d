package org.cxrtriage.app.fhir;

import org.cxrtriage.app.worklist.StudyLinks;
import org.cxrtriage.app.worklist.StudyRow;
import org.cxrtriage.app.worklist.StudySearch;
import org.cxrtriage.app.worklist.WorklistQueries;
import java.util.Optional;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
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

/**
 * Received studies as ImagingStudy, with the study's PACS viewer link as an extension when
 * TRIAGE_VIEWER_URL is set. Search by identifier (study UID or accession), patient and started.
 */
@Singleton
public final class ImagingStudyProvider implements IResourceProvider {

    private final WorklistQueries queries;
    private final StudyLinks links;

    public ImagingStudyProvider(WorklistQueries queries, StudyLinks links) {
        this.queries = queries;
        this.links = links;
    }

    @Override
    public Class<ImagingStudy> getResourceType() {
        return ImagingStudy.class;
    }

    @Read
    public ImagingStudy read(@IdParam IdType id) {
        try {
            StudyRow study = queries.study(id.getIdPart())
                    .orElseThrow(() -> FhirErrors.notFound("ImagingStudy", id));
            return imagingStudy(study);
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    @Search
    public IBundleProvider search(@OptionalParam(name = ImagingStudy.SP_IDENTIFIER) TokenParam identifier,
                                     @OptionalParam(name = ImagingStudy.SP_PATIENT) ReferenceParam patient,
                                     @OptionalParam(name = ImagingStudy.SP_STARTED) DateRangeParam started,
                                     @OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated) {
        FhirDates startedRange = FhirDates.of(started);
        FhirDates updated = FhirDates.of(lastUpdated);
        StudySearch search = new StudySearch(Optional.ofNullable(identifier).map(TokenParam::getValue),
                Optional.ofNullable(patient).map(ReferenceParam::getIdPart), startedRange.from(), startedRange.to());
        try {
            List<ImagingStudy> studies = new ArrayList<>();
            for (StudyRow study : queries.studies(search)) {
                ImagingStudy resource = imagingStudy(study);
                if (SearchResults.updatedWithin(resource.getMeta().getLastUpdated(), updated)) {
                    studies.add(resource);
                }
            }
            return SearchResults.matches(studies);
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    private ImagingStudy imagingStudy(StudyRow study) throws SQLException {
        return FhirResources.imagingStudy(study, queries.instances(study.uid()), links.viewer(study.uid(), study.accession()));
    }
}
