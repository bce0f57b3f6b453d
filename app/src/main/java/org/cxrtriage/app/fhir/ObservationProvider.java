package org.cxrtriage.app.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import jakarta.inject.Singleton;
import org.cxrtriage.app.security.FhirSecurityInterceptor;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.app.worklist.FeedbackReason;
import org.cxrtriage.app.worklist.FindingRow;
import org.cxrtriage.app.worklist.ResultRow;
import org.cxrtriage.app.worklist.StudyRow;
import org.cxrtriage.app.worklist.WorklistActions;
import org.cxrtriage.app.worklist.WorklistQueries;
import java.util.Optional;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Observation per AI finding: code, calibrated probability, interpretation at the operating
 * point, the model as Device, derived from the ImagingStudy. Search by subject, derived-from and
 * code. {@code POST Observation/{id}/$feedback} records a radiologist agreeing or disagreeing.
 */
@Singleton
public final class ObservationProvider implements IResourceProvider {

    private final WorklistQueries queries;
    private final WorklistActions actions;

    public ObservationProvider(WorklistQueries queries, WorklistActions actions) {
        this.queries = queries;
        this.actions = actions;
    }

    @Override
    public Class<Observation> getResourceType() {
        return Observation.class;
    }

    @Read
    public Observation read(@IdParam IdType id) {
        try {
            FindingRow finding = queries.finding(findingId(id)).orElseThrow(() -> FhirErrors.notFound("Observation", id));
            ResultRow result = queries.result(finding.resultId()).orElseThrow();
            return new ResultEvidence(queries).observation(finding, result);
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    @Search
    public IBundleProvider search(@OptionalParam(name = Observation.SP_SUBJECT) ReferenceParam subject,
                                  @OptionalParam(name = Observation.SP_DERIVED_FROM) ReferenceParam derivedFrom,
                                  @OptionalParam(name = Observation.SP_CODE) TokenParam code,
                                  @OptionalParam(name = "_lastUpdated") ca.uhn.fhir.rest.param.DateRangeParam lastUpdated,
                                  @ca.uhn.fhir.rest.annotation.IncludeParam(reverse = true, allow = {"Provenance:target"})
                                  java.util.Set<ca.uhn.fhir.model.api.Include> revIncludes) {
        FhirDates updated = FhirDates.of(lastUpdated);
        boolean withProvenance = revIncludes != null && !revIncludes.isEmpty();
        try {
            List<SearchResults.Hit> hits = new ArrayList<>();
            ResultEvidence evidence = new ResultEvidence(queries);
            List<ResultRow> results = queries.scoredResults(Optional.ofNullable(derivedFrom).map(ReferenceParam::getIdPart),
                    Optional.ofNullable(subject).map(ReferenceParam::getIdPart));
            Map<Long, List<FindingRow>> findings = queries.findings(results.stream().map(ResultRow::id).toList());
            for (ResultRow result : results) {
                List<FindingRow> its = findings.getOrDefault(result.id(), List.of());
                List<org.hl7.fhir.instance.model.api.IBaseResource> provenance = null;
                for (FindingRow finding : its) {
                    if (code == null || matches(code, finding)) {
                        Observation observation = evidence.observation(finding, result);
                        if (!SearchResults.updatedWithin(observation.getMeta().getLastUpdated(), updated)) {
                            continue;
                        }
                        if (withProvenance && provenance == null) {
                            provenance = List.of(evidence.provenance(result, its));
                        }
                        hits.add(new SearchResults.Hit(observation, withProvenance ? provenance : List.of()));
                    }
                }
            }
            return SearchResults.of(hits);
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    /**
     * Records whether the signed-in radiologist agrees with this finding. Parameters: agree (boolean)
     * and, with a disagreement, optionally reason (code: missed-finding, false-positive, poor-image,
     * other). An {@code actor} parameter, accepted from older clients, is ignored: the signed-in user
     * is the actor.
     */
    @Operation(name = "$feedback")
    public OperationOutcome feedback(@IdParam IdType id, @OperationParam(name = "agree", min = 1) BooleanType agree,
                                     @OperationParam(name = "reason") CodeType reason,
                                     @OperationParam(name = "actor") StringType actor, RequestDetails request) {
        if (agree == null || agree.getValue() == null) {
            throw new InvalidRequestException("CXR-400: $feedback needs the parameter agree (boolean)");
        }
        String user = FhirSecurityInterceptor.principal(request).map(Principal::name).orElse("unknown");
        Optional<FeedbackReason> why;
        try {
            why = FeedbackReason.parse(reason == null ? null : reason.getValue());
            if (!actions.feedback(findingId(id), user, agree.getValue(), why, FhirSecurityInterceptor.source(request))) {
                throw FhirErrors.notFound("Observation", id);
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("CXR-400: " + e.getMessage());
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics("feedback recorded: " + (agree.getValue() ? "agree" : "disagree")
                        + why.map(r -> " (" + r.code() + ")").orElse(""));
        return outcome;
    }


    private static boolean matches(TokenParam code, FindingRow finding) {
        return code.getValue().equals(finding.code())
                && (code.getSystem() == null || code.getSystem().isEmpty() || code.getSystem().equals(finding.codeSystem()));
    }

    private static long findingId(IdType id) {
        String part = id.getIdPart();
        if (part == null || !part.matches("f[0-9]{1,18}")) {
            throw FhirErrors.notFound("Observation", id);
        }
        return Long.parseLong(part.substring(1));
    }

    static Optional<Long> resultId(IdType id) {
        String part = id.getIdPart();
        return part != null && part.matches("r[0-9]{1,18}") ? Optional.of(Long.parseLong(part.substring(1))) : Optional.empty();
    }
}
