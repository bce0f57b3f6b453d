package org.cxrtriage.app.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.triage.explain.Heatmaps;
import org.cxrtriage.app.worklist.FindingRow;
import org.cxrtriage.app.worklist.ResultRow;
import org.cxrtriage.app.worklist.WorklistQueries;
import org.cxrtriage.compliance.AuditAction;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.cxrtriage.app.web.WorklistController.user;

/**
 * A finding's heatmap for the viewer, asked for one finding at a time when the user turns it on
 * (off by default): where hiding part of the image lowers the model's score, not a diagnosis.
 * Audited as {@code heatmap.view} before it is computed or read.
 */
@Controller("/api/findings")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class HeatmapController {

    private final WorklistQueries queries;
    private final Heatmaps heatmaps;
    private final AuditTrail audit;

    public HeatmapController(WorklistQueries queries, Heatmaps heatmaps, AuditTrail audit) {
        this.queries = queries;
        this.heatmaps = heatmaps;
        this.audit = audit;
    }

    /**
     * An RGBA PNG of the model input's size. {@code X-Heatmap-Box} is where it lies on the image
     * ("x,y,width,height" in image pixels), {@code X-Heatmap-Max-Drop} the largest drop of the
     * calibrated probability, {@code X-Heatmap-Compute-Ms} how long computing it took and
     * {@code X-Heatmap-Cached} whether this answer came from the cache. 409 with the reason when
     * there can be none (model no longer loaded, pixels deleted).
     */
    @Get(value = "/{id}/heatmap.png", produces = {MediaType.IMAGE_PNG, MediaType.APPLICATION_JSON})
    public HttpResponse<?> heatmap(@PathVariable long id, HttpRequest<?> request) throws SQLException {
        Optional<FindingRow> finding = queries.finding(id);
        Optional<ResultRow> result = finding.isEmpty() ? Optional.empty() : queries.result(finding.get().resultId());
        audit.user(user(request), AuditAction.HEATMAP_VIEW, result.map(ResultRow::studyUid).orElse(null),
                List.of(References.observation(id)), finding.isPresent(), AccessFilter.source(request),
                finding.map(f -> "heatmap of " + f.display() + " (" + f.key() + ")").orElse("heatmap of unknown finding " + id));
        if (finding.isEmpty()) {
            return HttpResponse.notFound();
        }
        try {
            Heatmaps.Heatmap heatmap = heatmaps.of(finding.get());
            return HttpResponse.ok(heatmap.png()).contentType(MediaType.IMAGE_PNG_TYPE)
                    .header("X-Heatmap-Box", heatmap.box().x() + "," + heatmap.box().y() + "," + heatmap.box().width() + ","
                            + heatmap.box().height())
                    .header("X-Heatmap-Max-Drop", Double.toString(heatmap.maxDrop()))
                    .header("X-Heatmap-Compute-Ms", Long.toString(heatmap.computeMillis()))
                    .header("X-Heatmap-Cached", Boolean.toString(heatmap.cached()));
        } catch (Heatmaps.Unavailable e) {
            return HttpResponse.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_JSON_TYPE)
                    .body(Map.of("error", e.getMessage()));
        }
    }
}
