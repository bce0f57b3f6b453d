package org.cxrtriage.app.web;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Authenticator;
import org.cxrtriage.app.security.Authenticator.Outcome;
import org.cxrtriage.app.security.Permission;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.app.triage.WorklistActions;
import org.cxrtriage.dicom.image.UndecodableImageException;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
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

    private final Authenticator authenticator;
    private final WorklistView view;
    private final WorklistActions actions;
    private final ShiftSummary summary;
    private final StorageConfig storage;
    private final org.cxrtriage.app.audit.AuditTrail audit;

    public WorklistController(Authenticator authenticator, WorklistView view, WorklistActions actions, ShiftSummary summary,
                              StorageConfig storage, AuditTrail audit) {
        this.authenticator = authenticator;
        this.view = view;
        this.actions = actions;
        this.summary = summary;
        this.storage = storage;
        this.audit = audit;
    }

    @Post("/login")
    public HttpResponse<Map<String, String>> login(@Body Credentials credentials, HttpRequest<?> request) throws SQLException {
        String source = AccessFilter.source(request);
        Outcome outcome = authenticator.signIn(credentials.user(),
                credentials.password() == null ? new char[0] : credentials.password().toCharArray(), source, "web sign-in");
        if (outcome instanceof Outcome.Refused refused) {
            MutableHttpResponse<Map<String, String>> response = HttpResponse.<Map<String, String>>status(
                    refused.retryAfter().isPresent() ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.UNAUTHORIZED)
                    .body(Map.of("error", refused.reason()));
            refused.retryAfter().ifPresent(wait -> response.header(HttpHeaders.RETRY_AFTER, Long.toString(wait.toSeconds())));
            return response;
        }
        Principal principal = ((Outcome.SignedIn) outcome).principal();
        audit.user(principal.name(), "login", null, List.of(), true, source, "web sign-in as " + principal.role());
        return HttpResponse.ok(Map.of("user", principal.name(), "role", principal.role().name())).header(HttpHeaders.SET_COOKIE,
                sessionCookie(authenticator.issueToken(principal, Instant.now()), Authenticator.SESSION.toSeconds(), request));
    }

    /** A bearer token for API clients that signed in with HTTP Basic; valid as long as a web session. */
    @Post("/token")
    public Map<String, Object> token(HttpRequest<?> request) throws SQLException {
        Principal principal = AccessFilter.principal(request).orElseThrow();
        audit.user(principal.name(), "login", null, List.of(), true, AccessFilter.source(request), "bearer token issued");
        return Map.of("token_type", "Bearer", "access_token", authenticator.issueToken(principal, Instant.now()),
                "expires_in", Authenticator.SESSION.toSeconds());
    }

    @Post("/logout")
    public HttpResponse<Map<String, String>> logout(HttpRequest<?> request) {
        AccessFilter.principal(request).ifPresent(principal -> audit.user(principal.name(), "logout", null, List.of(), true,
                AccessFilter.source(request), "web sign-out"));
        return HttpResponse.ok(Map.of("user", "")).header(HttpHeaders.SET_COOKIE, sessionCookie("", 0, request));
    }

    /**
     * The session cookie, written by hand because this runtime drops SameSite: HttpOnly (scripts
     * cannot read it), SameSite=Strict (other sites cannot make the browser send it), Secure over HTTPS.
     */
    private static String sessionCookie(String value, long maxAgeSeconds, HttpRequest<?> request) {
        return AccessFilter.SESSION_COOKIE + "=" + value + "; Max-Age=" + maxAgeSeconds + "; Path=/; HttpOnly; SameSite=Strict"
                + (request.isSecure() ? "; Secure" : "");
    }

    @Get("/me")
    public Map<String, Object> me(HttpRequest<?> request) {
        Principal principal = AccessFilter.principal(request).orElseThrow();
        return Map.of("user", principal.name(), "role", principal.role().name(), "permissions",
                Arrays.stream(Permission.values()).filter(principal::may).map(Enum::name).toList());
    }

    /** The list with patient names: every fetch is audited, naming each Task shown. */
    @Get("/worklist")
    public Map<String, Object> worklist(HttpRequest<?> request) throws SQLException {
        var rows = view.rows();
        audit.user(user(request), "worklist.read", null, rows.stream().limit(500).map(row -> "Task/" + row.studyUid()).toList(),
                true, AccessFilter.source(request), "web worklist, " + rows.size() + " row(s)");
        return Map.of("version", view.version(), "rows", rows);
    }

    @Get("/worklist/version")
    public Map<String, String> version() throws SQLException {
        return Map.of("version", view.version());
    }

    @Get("/studies/{uid}")
    public HttpResponse<WorklistView.Detail> study(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        audit.user(user(request), "study.view", uid, List.of("ImagingStudy/" + uid), true, AccessFilter.source(request),
                "web worklist study view");
        return view.detail(uid).map(HttpResponse::ok).orElseGet(HttpResponse::notFound);
    }

    @Get(value = "/studies/{uid}/preview.png", produces = MediaType.IMAGE_PNG)
    public HttpResponse<byte[]> preview(@PathVariable String uid, HttpRequest<?> request) throws SQLException, IOException {
        audit.user(user(request), "study.image", uid, List.of("ImagingStudy/" + uid), true, AccessFilter.source(request),
                "web worklist preview image");
        var path = view.previewPath(uid);
        if (path.isEmpty()) {
            return HttpResponse.notFound();
        }
        java.nio.file.Path file = storage.dataDir().resolve(path.get());
        if (!java.nio.file.Files.exists(file)) {
            // Deleted after the retention period; the worklist item and its scores remain.
            return HttpResponse.status(io.micronaut.http.HttpStatus.GONE);
        }
        try {
            return HttpResponse.ok(PreviewRenderer.render(file, 1024))
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
        return AccessFilter.principal(request).map(Principal::name).orElse("unknown");
    }
}
