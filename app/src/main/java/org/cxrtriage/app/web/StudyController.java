package org.cxrtriage.app.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.config.UiConfig;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.worklist.FeedbackReason;
import org.cxrtriage.app.worklist.FindingRow;
import org.cxrtriage.app.worklist.ImageRow;
import org.cxrtriage.app.worklist.StudyLinks;
import org.cxrtriage.app.worklist.WorklistActions;
import org.cxrtriage.app.worklist.WorklistActions.Claim;
import org.cxrtriage.app.worklist.WorklistQueries;
import org.cxrtriage.compliance.AuditAction;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.dicom.image.MetadataReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.cxrtriage.app.web.WorklistController.user;

/**
 * One study for the web page: its view (audited as {@code study.view}, asked for only when a user
 * opens it) and what a radiologist does to it. Looking changes no state (the first look is kept
 * for the shift figures); "Start reading" claims; reviewed can be undone for a short while.
 * Actions go through the same {@link WorklistActions} as the FHIR API.
 */
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class StudyController {

    /** Agreement with one AI finding; a disagreement may carry a reason code (see FeedbackReason). */
    public record Feedback(boolean agree, String reason) {
    }

    private final WorklistQueries queries;
    private final WorklistActions actions;
    private final StorageConfig storage;
    private final UiConfig ui;
    private final AuditTrail audit;
    private final StudyLinks links;

    public StudyController(WorklistQueries queries, WorklistActions actions, StorageConfig storage, UiConfig ui,
                           AuditTrail audit, StudyLinks links) {
        this.queries = queries;
        this.actions = actions;
        this.storage = storage;
        this.ui = ui;
        this.audit = audit;
        this.links = links;
    }

    /** The study as its view shows it, with its images; audited before it is read. */
    @Get("/studies/{uid}")
    public HttpResponse<WorklistJson.Detail> study(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        String user = user(request);
        audit.user(user, AuditAction.STUDY_VIEW, uid, List.of(References.imagingStudy(uid)), true, AccessFilter.source(request),
                "web worklist study view");
        var entry = queries.entry(uid);
        var timeline = queries.timeline(uid);
        if (entry.isEmpty() || timeline.isEmpty()) {
            return HttpResponse.notFound();
        }
        var feedback = queries.latestFeedback(user, entry.get().findings().stream().map(FindingRow::id).toList());
        List<WorklistJson.Image> images = new ArrayList<>();
        for (ImageRow image : queries.images(uid)) {
            images.add(WorklistJson.image(image, header(storage.dataDir().resolve(image.spoolPath()))));
        }
        return HttpResponse.ok(WorklistJson.detail(WorklistJson.row(entry.get(), feedback, Instant.now(), links), entry.get(),
                timeline.get(), images));
    }

    /** The user looked at the study: kept as its first opening when it is the first; nothing else changes. */
    @Post("/studies/{uid}/open")
    public HttpResponse<Map<String, String>> open(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        return actions.viewed(uid, user(request)) ? HttpResponse.ok(Map.of("study", uid)) : HttpResponse.notFound();
    }

    /**
     * "Start reading": claims the study. Somebody else's claim is answered 409 with who holds it,
     * unless {@code takeOver}; a reviewed study likewise.
     */
    @Post("/studies/{uid}/claim")
    public HttpResponse<Map<String, Object>> claim(@PathVariable String uid, @QueryValue(defaultValue = "false") boolean takeOver,
                                                   HttpRequest<?> request) throws SQLException {
        Claim claim = actions.claim(uid, user(request), AccessFilter.source(request), takeOver);
        Map<String, Object> body = new HashMap<>();
        body.put("outcome", claim.outcome().name().toLowerCase().replace('_', '-'));
        body.put("reader", claim.reader() == null ? "" : claim.reader());
        body.put("since", claim.since() == null ? "" : claim.since().toInstant().toString());
        return switch (claim.outcome()) {
            case CLAIMED, ALREADY_YOURS -> HttpResponse.ok(body);
            case HELD_BY_OTHER, REVIEWED -> HttpResponse.<Map<String, Object>>status(HttpStatus.CONFLICT).body(body);
            case NOT_FOUND -> HttpResponse.notFound();
        };
    }

    /** The reader stops reading: the study is ready again. 409 when the caller is not its reader. */
    @Post("/studies/{uid}/release")
    public HttpResponse<Map<String, String>> release(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        Optional<Boolean> released = actions.release(uid, user(request), AccessFilter.source(request), false);
        return released.isEmpty() ? HttpResponse.notFound() : released.get() ? HttpResponse.ok(Map.of("status", "ready"))
                : HttpResponse.<Map<String, String>>status(HttpStatus.CONFLICT).body(Map.of("error", "you are not reading this study"));
    }

    @Post("/studies/{uid}/review")
    public HttpResponse<Map<String, Object>> review(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        return actions.review(uid, user(request), AccessFilter.source(request))
                ? HttpResponse.ok(Map.of("status", "completed", "undoSeconds", ui.reviewUndo().toSeconds()))
                : HttpResponse.notFound();
    }

    /** Undoes the caller's own review within the undo window; 409 when it is someone else's or too late. */
    @Post("/studies/{uid}/undo-review")
    public HttpResponse<Map<String, String>> undoReview(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        return actions.undoReview(uid, user(request), AccessFilter.source(request), ui.reviewUndo())
                ? HttpResponse.ok(Map.of("status", "in-progress"))
                : HttpResponse.<Map<String, String>>status(HttpStatus.CONFLICT).body(Map.of("error",
                "only your own review can be undone, within " + ui.reviewUndo().toSeconds() + " s"));
    }

    @Post("/findings/{id}/feedback")
    public HttpResponse<Map<String, Object>> feedback(@PathVariable long id, @Body Feedback feedback, HttpRequest<?> request)
            throws SQLException {
        Optional<FeedbackReason> reason;
        try {
            reason = FeedbackReason.parse(feedback.reason());
            if (!actions.feedback(id, user(request), feedback.agree(), reason, AccessFilter.source(request))) {
                return HttpResponse.notFound();
            }
        } catch (IllegalArgumentException e) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
        }
        Map<String, Object> body = new HashMap<>();
        body.put("finding", id);
        body.put("agree", feedback.agree());
        body.put("reason", reason.map(FeedbackReason::code).orElse(null));
        return HttpResponse.ok(body);
    }

    /** The header of a spooled instance, or empty when it cannot be read (it is then shown without orientation). */
    private static Optional<InstanceMetadata> header(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(MetadataReader.read(file));
        } catch (java.io.IOException | com.pixelmed.dicom.DicomException e) {
            return Optional.empty();
        }
    }
}
