package org.cxrtriage.app.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.config.MonitorConfig;
import org.cxrtriage.app.monitoring.Evaluation;
import org.cxrtriage.app.monitoring.MonitorState;
import org.cxrtriage.app.monitoring.MonitorView;
import org.cxrtriage.app.monitoring.MonitoringHistory;
import org.cxrtriage.app.monitoring.PopulationMonitor;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Principal;

import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Population monitoring over HTTP: the status with every signal ({@code GET /api/monitoring}, ADMIN,
 * COMPLIANCE, INTEGRATION), its history per day for the monitoring page, an administrator's
 * acknowledgement of an alarm, and whether AI triage is suspended, for every signed-in user's banner.
 * Counts and statistics only: no patient data.
 */
@Controller("/api/monitoring")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class MonitoringController {

    /** An administrator's acknowledgement of the standing alarm: why it is acceptable, or what was done. */
    public record Acknowledgement(String reason) {
    }

    private static final int MAX_DAYS = 400;

    private final MonitorState state;
    private final MonitoringHistory history;
    private final PopulationMonitor monitor;
    private final MonitorConfig config;

    public MonitoringController(MonitorState state, MonitoringHistory history, PopulationMonitor monitor, MonitorConfig config) {
        this.state = state;
        this.history = history;
        this.monitor = monitor;
        this.config = config;
    }

    /** The shared status as the database holds it now, with the evaluation behind it. */
    @Get
    public Map<String, Object> status() throws SQLException {
        return body(state.read(), state.evaluation());
    }

    /** Whether AI triage is suspended, and why: all a worklist user needs for the banner. */
    @Get("/banner")
    public Map<String, Object> banner() {
        Optional<String> suspension = monitor.view().flatMap(MonitorView::suspension);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("suspended", suspension.isPresent());
        body.put("reason", suspension.orElse(null));
        return body;
    }

    /** Per UTC day over the last {@code days} days (today included): volumes, rates, feedback, drift; and the events. */
    @Get("/history")
    public HttpResponse<?> history(@QueryValue(defaultValue = "30") int days) throws SQLException {
        if (days < 1 || days > MAX_DAYS) {
            return HttpResponse.badRequest(Map.of("error", "days must be 1 to " + MAX_DAYS));
        }
        LocalDate tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1);
        return HttpResponse.ok(history.between(tomorrow.minusDays(days), tomorrow));
    }

    @Post("/acknowledge")
    public HttpResponse<Map<String, Object>> acknowledge(@Body Acknowledgement acknowledgement, HttpRequest<?> request)
            throws SQLException {
        String reason = acknowledgement == null || acknowledgement.reason() == null ? "" : acknowledgement.reason().strip();
        if (reason.isEmpty() || reason.length() > 500) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.BAD_REQUEST)
                    .body(Map.of("error", "give the reason for acknowledging (1 to 500 characters): what was checked or done"));
        }
        String user = AccessFilter.principal(request).map(Principal::name).orElse("unknown");
        if (state.acknowledge(user, reason, AccessFilter.source(request)) == MonitorState.Acknowledged.NO_ALARM) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.CONFLICT).body(Map.of("error", "no alarm stands"));
        }
        MonitorView view = monitor.refresh();
        return HttpResponse.ok(body(view.row(), view.evaluation()));
    }

    private Map<String, Object> body(MonitorState.Row row, Optional<Evaluation> evaluation) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", row.status().code());
        body.put("reasons", row.reasons());
        body.put("since", row.since().toString());
        body.put("evaluatedAt", row.evaluatedAt().map(Object::toString).orElse(null));
        body.put("stopRule", config.stopRule());
        body.put("suspended", row.suspended());
        body.put("suspensionReason", row.suspensionReason());
        body.put("acknowledgement", row.acknowledgement().map(a -> Map.of("at", a.at().toString(), "by", a.by(),
                "reason", a.reason(), "signals", a.signals())).orElse(null));
        body.put("window", evaluation.map(Evaluation::window).orElse(null));
        body.put("model", evaluation.map(Evaluation::model).orElse(null));
        body.put("comparisons", evaluation.map(Evaluation::comparisons).orElse(0));
        body.put("thresholds", evaluation.map(Evaluation::thresholds).orElse(null));
        body.put("signals", evaluation.map(Evaluation::signals).orElse(List.of()));
        body.put("performance", evaluation.map(Evaluation::performance).orElse(null));
        body.put("subgroups", evaluation.map(Evaluation::subgroups).orElse(List.of()));
        body.put("evaluationMillis", evaluation.map(Evaluation::millis).orElse(null));
        return body;
    }
}
