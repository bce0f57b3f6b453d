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
import ca.uhn.fhir.rest.api.server.RequestDetails;
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
import org.cxrtriage.app.triage.WorklistActions;
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
    private static final Map<String, String> SORT_COLUMNS = Map.of(
            "priority", "priority_rank", SP_TRIAGE_SCORE, "triage_score", "authored-on", "authored_on",
            "modified", "last_modified", "_lastUpdated", "last_modified");

    private final WorklistReads reads;
    private final WorklistActions actions;

    public TaskProvider(WorklistReads reads, WorklistActions actions) {
        this.reads = reads;
        this.actions = actions;
    }

    @Override
    public Class<Task> getResourceType() {
        return Task.class;
    }

    @Read
    public Task read(@IdParam IdType id) {
        try {
            WorklistReads.TaskRow row = reads.task(id.getIdPart()).orElseThrow(() -> FhirErrors.notFound("Task", id));
            return FhirResources.task(row, reads.study(row.studyUid()).map(WorklistReads.StudyRow::patientId).orElse(null));
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
    }

    @Search
    public List<Task> search(@OptionalParam(name = Task.SP_STATUS) TokenOrListParam status,
                             @OptionalParam(name = Task.SP_PRIORITY) TokenOrListParam priority,
                             @OptionalParam(name = Task.SP_OWNER) ReferenceParam owner,
                             @OptionalParam(name = Task.SP_FOCUS) ReferenceParam focus,
                             @OptionalParam(name = SP_TRIAGE_SCORE) NumberParam score,
                             @OptionalParam(name = Task.SP_MODIFIED) DateRangeParam modified,
                             @IncludeParam(allow = {"Task:focus"}) Set<Include> includes,
                             @Sort SortSpec sort) {
        StringBuilder where = new StringBuilder();
        List<Object> parameters = new ArrayList<>();
        in(where, parameters, "status", status);
        in(where, parameters, "priority", priority);
        if (owner != null) {
            where.append(" AND owner = ?");
            parameters.add(owner.getIdPart() != null ? owner.getIdPart() : owner.getValue());
        }
        if (focus != null) {
            where.append(" AND study_instance_uid = ?");
            parameters.add(focus.getIdPart());
        }
        if (score != null && score.getValue() != null) {
            String operator = switch (score.getPrefix() == null ? ca.uhn.fhir.rest.param.ParamPrefixEnum.EQUAL : score.getPrefix()) {
                case GREATERTHAN -> ">";
                case GREATERTHAN_OR_EQUALS -> ">=";
                case LESSTHAN -> "<";
                case LESSTHAN_OR_EQUALS -> "<=";
                default -> "=";
            };
            where.append(" AND triage_score ").append(operator).append(" ?");
            parameters.add(score.getValue().doubleValue());
        }
        if (modified != null && modified.getLowerBoundAsInstant() != null) {
            where.append(" AND last_modified >= ?");
            parameters.add(modified.getLowerBoundAsInstant().toInstant().atOffset(java.time.ZoneOffset.UTC));
        }
        if (modified != null && modified.getUpperBoundAsInstant() != null) {
            where.append(" AND last_modified <= ?");
            parameters.add(modified.getUpperBoundAsInstant().toInstant().atOffset(java.time.ZoneOffset.UTC));
        }
        try {
            List<Task> tasks = new ArrayList<>();
            List<WorklistReads.TaskRow> rows = reads.tasks(where.toString(), orderBy(sort), parameters);
            Map<String, String> patientIds = reads.patientIds(rows.stream().map(WorklistReads.TaskRow::studyUid).toList());
            for (WorklistReads.TaskRow row : rows) {
                Task task = FhirResources.task(row, patientIds.get(row.studyUid()));
                if (includes != null && !includes.isEmpty()) {
                    Optional<WorklistReads.StudyRow> study = reads.study(row.studyUid());
                    if (study.isPresent()) {
                        task.getFocus().setResource(FhirResources.imagingStudy(study.get(), reads.instances(row.studyUid())));
                    }
                }
                tasks.add(task);
            }
            return tasks;
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
        try {
            if (!actions.changeStatus(id.getIdPart(), status, actor, FhirSecurityInterceptor.source(request))) {
                throw FhirErrors.notFound("Task", id);
            }
        } catch (IllegalArgumentException e) {
            throw new UnprocessableEntityException("CXR-422: " + e.getMessage());
        } catch (SQLException e) {
            throw FhirErrors.database(e);
        }
        return new MethodOutcome(new IdType("Task", id.getIdPart())).setResource(read(id));
    }

    private static void in(StringBuilder where, List<Object> parameters, String column, TokenOrListParam tokens) {
        if (tokens == null || tokens.getValuesAsQueryTokens().isEmpty()) {
            return;
        }
        where.append(" AND ").append(column).append(" IN (");
        List<TokenParam> values = tokens.getValuesAsQueryTokens();
        for (int i = 0; i < values.size(); i++) {
            where.append(i == 0 ? "?" : ", ?");
            parameters.add(values.get(i).getValue());
        }
        where.append(")");
    }

    private static String orderBy(SortSpec sort) {
        if (sort == null) {
            return "priority_rank DESC, aged_score DESC, authored_on ASC";
        }
        List<String> parts = new ArrayList<>();
        for (SortSpec spec = sort; spec != null; spec = spec.getChain()) {
            String column = SORT_COLUMNS.get(spec.getParamName());
            if (column == null) {
                throw new InvalidRequestException("CXR-400: cannot sort Tasks by '" + spec.getParamName() + "'; use one of "
                        + SORT_COLUMNS.keySet());
            }
            parts.add(column + (spec.getOrder() == SortOrderEnum.DESC ? " DESC" : " ASC"));
        }
        parts.add("study_instance_uid ASC");
        return String.join(", ", parts);
    }
}
