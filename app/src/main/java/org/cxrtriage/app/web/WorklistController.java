package org.cxrtriage.app.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.triage.WorklistActions;
import org.cxrtriage.dicom.image.UndecodableImageException;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * The JSON API behind the web worklist. Actions go through the same {@link WorklistActions} as the
 * FHIR API, so both always show the same state.
 */
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class WorklistController {

    /** Sign-in form. */
    public record Credentials(String user, String password) {
    }

    /** Agreement with one AI finding. */
    public record Feedback(boolean agree) {
    }

    private final LocalAccount account;
    private final WorklistView view;
    private final WorklistActions actions;
    private final ShiftSummary summary;
    private final StorageConfig storage;
    private final org.cxrtriage.app.audit.AuditTrail audit;

    public WorklistController(LocalAccount account, WorklistView view, WorklistActions actions, ShiftSummary summary,
                              StorageConfig storage, org.cxrtriage.app.audit.AuditTrail audit) {
        this.account = account;
        this.view = view;
        this.actions = actions;
        this.summary = summary;
        this.storage = storage;
        this.audit = audit;
    }

    @Post("/login")
    public HttpResponse<Map<String, String>> login(@Body Credentials credentials, HttpRequest<?> request) {
        String source = request.getRemoteAddress().getAddress().getHostAddress();
        if (!account.matches(credentials.user(), credentials.password())) {
            audit.user(credentials.user(), "login.failed", null, java.util.List.of(), false, source, "web worklist");
            return HttpResponse.<Map<String, String>>unauthorized().body(Map.of("error", "wrong user name or password"));
        }
        Cookie cookie = Cookie.of(SessionFilter.COOKIE, account.session(Instant.now())).httpOnly(true)
                .sameSite(SameSite.Strict).path("/").maxAge(LocalAccount.SESSION);
        if (request.isSecure()) {
            cookie.secure(true);
        }
        audit.user(account.user(), "login", null, java.util.List.of(), true, source, "web worklist");
        return HttpResponse.ok(Map.of("user", account.user())).cookie(cookie);
    }

    @Post("/logout")
    public HttpResponse<Map<String, String>> logout() {
        return HttpResponse.ok(Map.of("user", "")).cookie(Cookie.of(SessionFilter.COOKIE, "").path("/").maxAge(0));
    }

    @Get("/me")
    public Map<String, String> me(HttpRequest<?> request) {
        return Map.of("user", user(request));
    }

    @Get("/worklist")
    public Map<String, Object> worklist() throws SQLException {
        return Map.of("version", view.version(), "rows", view.rows());
    }

    @Get("/worklist/version")
    public Map<String, String> version() throws SQLException {
        return Map.of("version", view.version());
    }

    @Get("/studies/{uid}")
    public HttpResponse<WorklistView.Detail> study(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        audit.user(user(request), "study.view", uid, java.util.List.of("ImagingStudy/" + uid), true,
                request.getRemoteAddress().getAddress().getHostAddress(), "web worklist study view");
        return view.detail(uid).map(HttpResponse::ok).orElseGet(HttpResponse::notFound);
    }

    @Get(value = "/studies/{uid}/preview.png", produces = MediaType.IMAGE_PNG)
    public HttpResponse<byte[]> preview(@PathVariable String uid) throws SQLException, IOException {
        var path = view.previewPath(uid);
        if (path.isEmpty()) {
            return HttpResponse.notFound();
        }
        try {
            return HttpResponse.ok(PreviewRenderer.render(storage.dataDir().resolve(path.get()), 1024))
                    .header("Cache-Control", "private, max-age=300");
        } catch (UndecodableImageException e) {
            return HttpResponse.status(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY);
        }
    }

    @Post("/studies/{uid}/open")
    public HttpResponse<Map<String, String>> open(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        return change(uid, "in-progress", request);
    }

    @Post("/studies/{uid}/review")
    public HttpResponse<Map<String, String>> review(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        return change(uid, "completed", request);
    }

    @Post("/findings/{id}/feedback")
    public HttpResponse<Map<String, Object>> feedback(@PathVariable long id, @Body Feedback feedback, HttpRequest<?> request)
            throws SQLException {
        return actions.feedback(id, user(request), feedback.agree())
                ? HttpResponse.ok(Map.of("finding", id, "agree", feedback.agree())) : HttpResponse.notFound();
    }

    @Get("/summary")
    public Map<String, Object> summary() throws SQLException {
        return summary.lastHours(12);
    }

    private HttpResponse<Map<String, String>> change(String uid, String status, HttpRequest<?> request) throws SQLException {
        return actions.changeStatus(uid, status, user(request)) ? HttpResponse.ok(Map.of("status", status))
                : HttpResponse.notFound();
    }

    private static String user(HttpRequest<?> request) {
        return request.getAttribute(SessionFilter.USER_ATTRIBUTE, String.class).orElse("unknown");
    }
}
