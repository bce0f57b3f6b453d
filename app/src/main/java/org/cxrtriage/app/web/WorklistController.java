package org.cxrtriage.app.web;

import org.cxrtriage.compliance.AuditAction;
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
import org.cxrtriage.dicom.store.StudySpool;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Authenticator;
import org.cxrtriage.app.security.Authenticator.Outcome;
import org.cxrtriage.app.security.Permission;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.app.security.UserStore;
import org.cxrtriage.app.worklist.FeedbackReason;
import org.cxrtriage.app.worklist.ShiftStatistics;
import org.cxrtriage.app.worklist.StudyLinks;
import org.cxrtriage.app.worklist.WorklistActions;
import org.cxrtriage.app.worklist.WorklistEntry;
import org.cxrtriage.app.worklist.WorklistQueries;
import org.cxrtriage.dicom.image.UndecodableImageException;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** Agreement with one AI finding; with a disagreement optionally a reason code (see FeedbackReason). */
    public record Feedback(boolean agree, String reason) {
    }

    /** The user's current password and the new one they choose. */
    public record PasswordChange(String current, String password) {
    }

    private final Authenticator authenticator;
    private final WorklistQueries queries;
    private final WorklistActions actions;
    private final ShiftStatistics summary;
    private final StudySpool spool;
    private final org.cxrtriage.app.audit.AuditTrail audit;
    private final StudyLinks links;

    public WorklistController(Authenticator authenticator, WorklistQueries queries, WorklistActions actions,
                              ShiftStatistics summary, StudySpool spool, AuditTrail audit, StudyLinks links) {
        this.authenticator = authenticator;
        this.queries = queries;
        this.actions = actions;
        this.summary = summary;
        this.spool = spool;
        this.audit = audit;
        this.links = links;
    }

    @Post("/login")
    public HttpResponse<Map<String, Object>> login(@Body Credentials credentials, HttpRequest<?> request) throws SQLException {
        String source = AccessFilter.source(request);
        Outcome outcome = authenticator.signIn(credentials.user(),
                credentials.password() == null ? new char[0] : credentials.password().toCharArray(), source, "web sign-in");
        if (outcome instanceof Outcome.Refused refused) {
            MutableHttpResponse<Map<String, Object>> response = HttpResponse.<Map<String, Object>>status(
                    refused.retryAfter().isPresent() ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.UNAUTHORIZED)
                    .body(Map.of("error", refused.reason()));
            refused.retryAfter().ifPresent(wait -> response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, wait.toSeconds()))));
            return response;
        }
        Principal principal = ((Outcome.SignedIn) outcome).principal();
        audit.user(principal.name(), AuditAction.LOGIN, null, List.of(), true, source, "web sign-in as " + principal.role());
        String token = authenticator.openSession(principal, "web", source);
        return HttpResponse.ok(Map.<String, Object>of("user", principal.name(), "role", principal.role().name(),
                        "mustChangePassword", !principal.ownPassword()))
                .header(HttpHeaders.SET_COOKIE, sessionCookie(token, authenticator.sessions().config().maxAge().toSeconds(), request));
    }

    /** A bearer token for API clients that signed in with HTTP Basic; a session like the web's. */
    @Post("/token")
    public Map<String, Object> token(HttpRequest<?> request) throws SQLException {
        Principal principal = AccessFilter.principal(request).orElseThrow();
        String source = AccessFilter.source(request);
        audit.user(principal.name(), AuditAction.LOGIN, null, List.of(), true, source, "bearer token issued");
        return Map.of("token_type", "Bearer", "access_token", authenticator.openSession(principal, "bearer", source),
                "expires_in", authenticator.sessions().config().maxAge().toSeconds(),
                "idle_timeout", authenticator.sessions().config().idleTimeout().toSeconds());
    }

    /** Ends the session of the cookie (and of a bearer token sent along): it stops working on every node at once. */
    @Post("/logout")
    public HttpResponse<Map<String, String>> logout(HttpRequest<?> request) throws SQLException {
        String cookie = request.getCookies().findCookie(AccessFilter.SESSION_COOKIE).map(c -> c.getValue()).orElse(null);
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        boolean ended = authenticator.endSession(cookie);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ended |= authenticator.endSession(authorization.substring(7).trim());
        }
        if (ended) {
            String user = AccessFilter.principal(request).map(Principal::name).orElse("unknown");
            audit.user(user, AuditAction.LOGOUT, null, List.of(), true, AccessFilter.source(request), "session ended");
        }
        return HttpResponse.ok(Map.of("user", "")).header(HttpHeaders.SET_COOKIE, sessionCookie("", 0, request));
    }

    /** The signed-in user replaces their password; the answer carries a fresh session cookie. */
    @Post("/me/password")
    public HttpResponse<Map<String, Object>> changeOwnPassword(@Body PasswordChange change, HttpRequest<?> request)
            throws SQLException {
        Principal principal = AccessFilter.principal(request).orElseThrow();
        String source = AccessFilter.source(request);
        try {
            authenticator.users().changeOwnPassword(principal.name(), chars(change.current()), chars(change.password()), source);
        } catch (UserStore.UserException e) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
        }
        authenticator.forget(principal.name());
        Principal now = new Principal(principal.name(), principal.role(), true);
        String token = authenticator.openSession(now, "web", source);
        return HttpResponse.ok(Map.<String, Object>of("user", now.name(), "role", now.role().name(), "mustChangePassword", false))
                .header(HttpHeaders.SET_COOKIE, sessionCookie(token, authenticator.sessions().config().maxAge().toSeconds(), request));
    }

    private static char[] chars(String text) {
        return text == null ? new char[0] : text.toCharArray();
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
                Arrays.stream(Permission.values()).filter(principal::may).map(Enum::name).toList(),
                "mustChangePassword", !principal.ownPassword());
    }

    /** The list with patient names: every fetch is audited, naming each Task shown. */
    @Get("/worklist")
    public Map<String, Object> worklist(HttpRequest<?> request) throws SQLException {
        String version = queries.version();
        List<WorklistEntry> entries = queries.entries();
        audit.user(user(request), AuditAction.WORKLIST_READ, null, entries.stream().limit(500)
                        .map(entry -> References.task(entry.task().studyUid())).toList(),
                true, AccessFilter.source(request), "web worklist, " + entries.size() + " row(s)");
        Instant now = Instant.now();
        return Map.of("version", version, "rows", entries.stream().map(entry -> WorklistJson.row(entry, now, links)).toList());
    }

    @Get("/worklist/version")
    public Map<String, String> version() throws SQLException {
        return Map.of("version", queries.version());
    }

    @Get("/studies/{uid}")
    public HttpResponse<WorklistJson.Detail> study(@PathVariable String uid, HttpRequest<?> request) throws SQLException {
        var entry = queries.entry(uid);
        var timeline = queries.timeline(uid);
        audit.user(user(request), AuditAction.STUDY_VIEW, uid, List.of(References.imagingStudy(uid)), true, AccessFilter.source(request),
                "web worklist study view");
        if (entry.isEmpty() || timeline.isEmpty()) {
            return HttpResponse.notFound();
        }
        return HttpResponse.ok(WorklistJson.detail(entry.get(), timeline.get(), Instant.now(), links));
    }

    @Get(value = "/studies/{uid}/preview.png", produces = MediaType.IMAGE_PNG)
    public HttpResponse<byte[]> preview(@PathVariable String uid, HttpRequest<?> request) throws SQLException, IOException {
        audit.user(user(request), AuditAction.STUDY_IMAGE, uid, List.of(References.imagingStudy(uid)), true, AccessFilter.source(request),
                "web worklist preview image");
        var path = queries.previewSpoolPath(uid);
        if (path.isEmpty()) {
            return HttpResponse.notFound();
        }
        java.nio.file.Path file = spool.resolve(path.get());
        if (!java.nio.file.Files.exists(file)) {
            // Deleted after the retention period; the worklist item and its scores remain.
            return HttpResponse.status(io.micronaut.http.HttpStatus.GONE);
        }
        try {
            return HttpResponse.ok(PreviewRenderer.render(file, 1024))
                    .header("Cache-Control", "no-store");
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
        Optional<FeedbackReason> reason;
        try {
            reason = FeedbackReason.parse(feedback.reason());
            if (!actions.feedback(id, user(request), feedback.agree(), reason, AccessFilter.source(request))) {
                return HttpResponse.notFound();
            }
        } catch (IllegalArgumentException e) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.BAD_REQUEST).body(Map.of("error", e.getMessage()));
        }
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("finding", id);
        answer.put("agree", feedback.agree());
        reason.ifPresent(r -> answer.put("reason", r.code()));
        return HttpResponse.ok(answer);
    }

    @Get("/summary")
    public Map<String, Object> summary() throws SQLException {
        return summary.lastHours(12);
    }

    private HttpResponse<Map<String, String>> change(String uid, String status, HttpRequest<?> request) throws SQLException {
        return actions.changeStatus(uid, status, user(request), AccessFilter.source(request)) ? HttpResponse.ok(Map.of("status", status))
                : HttpResponse.notFound();
    }

    private static String user(HttpRequest<?> request) {
        return AccessFilter.principal(request).map(Principal::name).orElse("unknown");
    }
}
