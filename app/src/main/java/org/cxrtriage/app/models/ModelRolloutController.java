package org.cxrtriage.app.models;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.app.triage.rollout.ChangedBy;
import org.cxrtriage.app.triage.rollout.ModelRollout;
import org.cxrtriage.app.triage.rollout.RolloutException;
import org.cxrtriage.app.triage.rollout.RolloutHistory;
import org.cxrtriage.app.triage.rollout.RolloutModels;
import org.cxrtriage.app.triage.rollout.RolloutState;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rollout for administrators over HTTP, the same actions as {@code ./cxr-triage model list |
 * stage | rollback | history} (installing stays a command-line step: it reads a directory on the
 * server). Every change is audited with the administrator as actor and the request's address.
 */
@Controller("/api/admin/models")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class ModelRolloutController {

    /** A stage request: state, and for a canary the share and callers; the reason is required. */
    public record StageRequest(String state, Integer percent, String callers, String reason, Boolean force) {
    }

    /** A rollback request. */
    public record RollbackRequest(String reason) {
    }

    private final ModelRollout rollout;
    private final RolloutModels running;

    public ModelRolloutController(ModelRollout rollout, RolloutModels running) {
        this.rollout = rollout;
        this.running = running;
    }

    /** Installed versions with state, share, calibration, and what this node runs now. */
    @Get
    public Map<String, Object> list() throws SQLException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("versions", rollout.list().stream().map(RolloutHistory::version).toList());
        body.put("runningOnThisNode", running.running().stream()
                .map(model -> model.version().label() + " " + model.version().state().code()).toList());
        body.put("problems", running.problems());
        body.put("autoRollbacks", rollout.recentAutoRollbacks());
        return body;
    }

    @Get("/{id}/history")
    public Map<String, Object> history(@PathVariable String id) throws SQLException {
        return RolloutHistory.of(rollout, id);
    }

    @Post("/{id}/{version}/stage")
    public HttpResponse<Map<String, Object>> stage(@PathVariable String id, @PathVariable String version,
                                                   @Body StageRequest stage, HttpRequest<?> request) throws SQLException {
        try {
            RolloutState target = RolloutState.parse(stage.state());
            List<String> callers = stage.callers() == null ? List.of()
                    : Arrays.stream(stage.callers().split(",")).map(String::trim).filter(ae -> !ae.isEmpty()).toList();
            ModelRollout.Transition transition = rollout.stage(id, version, target, Optional.ofNullable(stage.percent()),
                    callers, admin(request), stage.reason(), Boolean.TRUE.equals(stage.force()));
            return changed(transition);
        } catch (RolloutException | IllegalArgumentException e) {
            return refused(e.getMessage());
        }
    }

    @Post("/{id}/rollback")
    public HttpResponse<Map<String, Object>> rollback(@PathVariable String id, @Body RollbackRequest rollback,
                                                      HttpRequest<?> request) throws SQLException {
        try {
            return changed(rollout.rollback(id, admin(request), rollback.reason()));
        } catch (RolloutException e) {
            return refused(e.getMessage());
        }
    }

    private HttpResponse<Map<String, Object>> changed(ModelRollout.Transition transition) {
        running.refreshNow();
        return HttpResponse.ok(Map.of("change", transition.describe(), "version", RolloutHistory.version(transition.version())));
    }

    private static HttpResponse<Map<String, Object>> refused(String message) {
        return HttpResponse.<Map<String, Object>>status(HttpStatus.UNPROCESSABLE_ENTITY).body(Map.of("error", message));
    }

    private static ChangedBy admin(HttpRequest<?> request) {
        String name = AccessFilter.principal(request).map(Principal::name).orElse("unknown");
        return ChangedBy.user(name, AccessFilter.source(request));
    }
}
