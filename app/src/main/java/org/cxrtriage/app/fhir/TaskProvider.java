package org.cxrtriage.app.fhir;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import org.cxrtriage.app.worklist.BusinessStatus;
import java.util.OptionalLong;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.NumberParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import jakarta.inject.Singleton;
import org.cxrtriage.app.security.FhirSecurityInterceptor;
import org.cxrtriage.app.security.Principal;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import org.cxrtriage.app.worklist.StudyLinks;
import org.cxrtriage.app.worklist.StudyRow;
import org.cxrtriage.app.worklist.TaskRow;
import org.cxrtriage.app.worklist.TaskSearch;
import org.cxrtriage.app.worklist.WorklistActions;
import org.cxrtriage.app.worklist.WorklistQueries;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Worklist items as FHIR Tasks. Search by status, priority, owner, focus and triage-score;
 * {@code _sort} by priority, triage-score, authored-on or modified (default: most urgent first,
 * then highest aged score, then oldest); {@code _include=Task:focus} adds the ImagingStudy.
 * Update changes the status (ready, in-progress, completed) and owner, recording who and when.
 */
@Singleton
public final class TaskProvider implements IResourceProvider {

    public static final String SP_TRIAGE_SCORE = "triage-score";
    private static final Map<String, TaskSearch.SortField> SORT_FIELDS = Map.of(
            "priority", TaskSearch.SortField.PRIORITY, SP_TRIAGE_SCORE, TaskSearch.SortField.TRIAGE_SCORE,
            "authored-on", TaskSearch.SortField.AUTHORED_ON, "modified", TaskSearch.SortField.MODIFIED,
            "_lastUpdated", TaskSearch.SortField.MODIFIED);

    private final WorklistQueries queries;
    private final WorklistActions actions;
    private final StudyLinks links;

    public TaskProvider(WorklistQueries queries, WorklistActions actions, StudyLinks links) {
        this.queries = queries;
        this.actions = actions;
        this.links = links;
    }

    @Override
    public Class<Task> getResourceType() {
        return Task.class;
    }

    @Read
    public Task read(@IdParam IdType id) {
        try {
            TaskRow row = queries.task(id.getIdPart()).orElseThrow(() -> FhirErrors.notFound("Task", id));
            return FhirResources.task(row, queries.study(row.studyUid()).map(StudyRow::patientKey).orElse(null));
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    @Search
    public IBundleProvider search(@OptionalParam(name = Task.SP_STATUS) TokenOrListParam status,
                                  @OptionalParam(name = Task.SP_PRIORITY) TokenOrListParam priority,
                                  @OptionalParam(name = Task.SP_OWNER) ReferenceParam owner,
                                  @OptionalParam(name = Task.SP_FOCUS) ReferenceParam focus,
                                  @OptionalParam(name = SP_TRIAGE_SCORE) NumberParam score,
                                  @OptionalParam(name = Task.SP_MODIFIED) DateRangeParam modified,
                                  @OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated,
                                  @OptionalParam(name = "_id") TokenOrListParam ids,
                                  @OptionalParam(name = Task.SP_PATIENT) ReferenceParam patient,
                                  @OptionalParam(name = Task.SP_BUSINESS_STATUS) TokenOrListParam businessStatus,
                                  @IncludeParam(allow = {"Task:focus"}) Set<Include> includes,
                                  @Sort SortSpec sort) {
        if (modified != null && lastUpdated != null) {
            throw new InvalidRequestException("CXR-400: give modified or _lastUpdated (the same date), not both");
        }
        // Task.lastModified and meta.lastUpdated are the same instant here: both mean "last changed".
        FhirDates modifiedRange = FhirDates.of(modified != null ? modified : lastUpdated);
        TaskSearch search = new TaskSearch(values(status), values(priority),
                Optional.ofNullable(owner).map(o -> o.getIdPart() != null ? o.getIdPart() : o.getValue()),
                Optional.ofNullable(focus).map(ReferenceParam::getIdPart), scoreBound(score), modifiedRange.from(),
                modifiedRange.to(), sortKeys(sort), values(ids), businessStatuses(businessStatus),
                Optional.ofNullable(patient).map(ReferenceParam::getIdPart));
        try {
            List<SearchResults.Hit> hits = new ArrayList<>();
            List<TaskRow> rows = queries.tasks(search);
            Map<String, String> patientKeys = queries.patientKeys(rows.stream().map(TaskRow::studyUid).toList());
            for (TaskRow row : rows) {
                Task task = FhirResources.task(row, patientKeys.get(row.studyUid()));
                List<org.hl7.fhir.instance.model.api.IBaseResource> included = new ArrayList<>();
                if (includes != null && !includes.isEmpty()) {
                    Optional<StudyRow> study = queries.study(row.studyUid());
                    if (study.isPresent()) {
                        included.add(FhirResources.imagingStudy(study.get(), queries.instances(row.studyUid()),
                                links.viewer(row.studyUid(), study.get().accession())));
                    }
                }
                hits.add(new SearchResults.Hit(task, included));
            }
            return SearchResults.of(hits);
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam Task task, RequestDetails request) {
        if (task.getStatus() == null) {
            throw new UnprocessableEntityException("CXR-422: Task.status is required (ready, in-progress or completed)");
        }
        String status = task.getStatus().toCode();
        // The signed-in user is the actor, whatever the Task's owner says.
        String actor = FhirSecurityInterceptor.principal(request).map(Principal::name).orElse("unknown");
        OptionalLong expected = ifMatch(request);
        try {
            switch (actions.changeStatus(id.getIdPart(), status, actor, FhirSecurityInterceptor.source(request), expected)) {
                case NOT_FOUND -> throw FhirErrors.notFound("Task", id);
                case STALE -> throw new PreconditionFailedException("CXR-412: Task/" + id.getIdPart() + " has changed since version "
                        + expected.getAsLong() + " (If-Match); read it again and re-apply your change");
                case DONE -> {
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UnprocessableEntityException("CXR-422: " + e.getMessage());
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
        Task updated = read(id);
        return new MethodOutcome(new IdType("Task", id.getIdPart(), updated.getMeta().getVersionId())).setResource(updated);
    }

    /**
     * The version an update is conditional on: the If-Match header ({@code W/"3"}), else a version in
     * the URL ({@code Task/uid/_history/3}); empty for an unconditional update.
     */
    private static OptionalLong ifMatch(RequestDetails request) {
        String header = request.getHeader("If-Match");
        String version = header != null && !header.isBlank() ? header.strip() : null;
        if (version != null) {
            version = version.replaceFirst("^W/", "").replace("\"", "").strip();
        }
        if (version == null || version.isEmpty() || "*".equals(version)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(version));
        } catch (NumberFormatException e) {
            throw new PreconditionFailedException("CXR-412: If-Match '" + header.strip() + "' names no version of this Task"
                    + " (use the ETag of a read, e.g. W/\"3\")");
        }
    }

    /** business-status tokens: our codes, with our system or none. */
    private static List<String> businessStatuses(TokenOrListParam tokens) {
        if (tokens == null) {
            return List.of();
        }
        List<String> codes = new ArrayList<>();
        for (TokenParam token : tokens.getValuesAsQueryTokens()) {
            if (token.getSystem() != null && !token.getSystem().isEmpty() && !BusinessStatus.SYSTEM.equals(token.getSystem())) {
                throw new InvalidRequestException("CXR-400: business-status codes are of " + BusinessStatus.SYSTEM);
            }
            try {
                codes.add(BusinessStatus.of(token.getValue()).code());
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new InvalidRequestException("CXR-400: unknown business-status '" + token.getValue() + "'; use one of "
                        + java.util.Arrays.stream(BusinessStatus.values()).map(BusinessStatus::code).toList());
            }
        }
        return codes;
    }

    static List<String> values(TokenOrListParam tokens) {
        return tokens == null ? List.of() : tokens.getValuesAsQueryTokens().stream().map(TokenParam::getValue).toList();
    }

    private static Optional<TaskSearch.ScoreBound> scoreBound(NumberParam score) {
        if (score == null || score.getValue() == null) {
            return Optional.empty();
        }
        TaskSearch.Comparison comparison = switch (score.getPrefix() == null ? ParamPrefixEnum.EQUAL : score.getPrefix()) {
            case GREATERTHAN -> TaskSearch.Comparison.GT;
            case GREATERTHAN_OR_EQUALS -> TaskSearch.Comparison.GE;
            case LESSTHAN -> TaskSearch.Comparison.LT;
            case LESSTHAN_OR_EQUALS -> TaskSearch.Comparison.LE;
            default -> TaskSearch.Comparison.EQ;
        };
        double value = score.getValue().doubleValue();
        if (!Double.isFinite(value)) {
            throw new InvalidRequestException("CXR-400: triage-score must be a finite number");
        }
        return Optional.of(new TaskSearch.ScoreBound(comparison, value));
    }

    private static List<TaskSearch.SortKey> sortKeys(SortSpec sort) {
        List<TaskSearch.SortKey> keys = new ArrayList<>();
        for (SortSpec spec = sort; spec != null; spec = spec.getChain()) {
            TaskSearch.SortField field = SORT_FIELDS.get(spec.getParamName());
            if (field == null) {
                throw new InvalidRequestException("CXR-400: cannot sort Tasks by '" + spec.getParamName() + "'; use one of "
                        + SORT_FIELDS.keySet());
            }
            keys.add(new TaskSearch.SortKey(field, spec.getOrder() == SortOrderEnum.DESC));
        }
        return keys;
    }
}
