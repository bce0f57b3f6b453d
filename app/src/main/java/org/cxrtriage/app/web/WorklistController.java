package org.cxrtriage.app.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.app.worklist.FindingRow;
import org.cxrtriage.app.worklist.ShiftStatistics;
import org.cxrtriage.app.worklist.StudyLinks;
import org.cxrtriage.app.worklist.WorklistEntry;
import org.cxrtriage.app.worklist.WorklistQueries;
import org.cxrtriage.compliance.AuditAction;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The list behind the web worklist: the rows (audited, naming each Task shown), a cheap version
 * for "anything new?" polling, and the shift summary. Study views and actions are
 * {@link StudyController}'s; sign-in is {@link SessionController}'s.
 */
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class WorklistController {

    private final WorklistQueries queries;
    private final ShiftStatistics summary;
    private final AuditTrail audit;
    private final StudyLinks links;

    public WorklistController(WorklistQueries queries, ShiftStatistics summary, AuditTrail audit, StudyLinks links) {
        this.queries = queries;
        this.summary = summary;
        this.audit = audit;
        this.links = links;
    }

    /** The list with patient names and the user's own feedback on each finding: every fetch is audited, naming each Task shown. */
    @Get("/worklist")
    public Map<String, Object> worklist(HttpRequest<?> request) throws SQLException {
        String user = user(request);
        String version = queries.version();
        List<WorklistEntry> entries = queries.entries();
        audit.user(user, AuditAction.WORKLIST_READ, null, entries.stream().limit(500)
                        .map(entry -> References.task(entry.task().studyUid())).toList(),
                true, AccessFilter.source(request), "web worklist, " + entries.size() + " row(s)");
        var feedback = queries.latestFeedback(user, entries.stream().flatMap(entry -> entry.findings().stream())
                .map(FindingRow::id).toList());
        Instant now = Instant.now();
        return Map.of("version", version, "rows", entries.stream().map(entry -> WorklistJson.row(entry, feedback, now, links)).toList());
    }

    @Get("/worklist/version")
    public Map<String, String> version() throws SQLException {
        return Map.of("version", queries.version());
    }

    @Get("/summary")
    public Map<String, Object> summary() throws SQLException {
        return summary.lastHours(12);
    }

    static String user(HttpRequest<?> request) {
        return AccessFilter.principal(request).map(Principal::name).orElse("unknown");
    }
}
