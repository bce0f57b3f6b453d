package org.cxrtriage.app.web;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.config.UiConfig;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Authenticator;
import org.cxrtriage.app.security.Authenticator.Outcome;
import org.cxrtriage.app.security.Permission;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.app.security.UserStore;
import org.cxrtriage.app.worklist.ReaderPreferences;
import org.cxrtriage.compliance.AuditAction;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signing in and out of the web page and who the signed-in user is: sign-in, bearer tokens,
 * sign-out, the user's own password, the idle lock (lock and unlock with the password, without a
 * new session) and the user's reading-room preferences.
 */
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class SessionController {

    /** Sign-in form. */
    public record Credentials(String user, String password) {
    }

    /** The user's current password and the new one they choose. */
    public record PasswordChange(String current, String password) {
    }

    /** The password given to unlock an idle-locked page. */
    public record Unlock(String password) {
    }

    private final Authenticator authenticator;
    private final AuditTrail audit;
    private final UiConfig ui;
    private final ReaderPreferences preferences;

    public SessionController(Authenticator authenticator, AuditTrail audit, UiConfig ui, ReaderPreferences preferences) {
        this.authenticator = authenticator;
        this.audit = audit;
        this.ui = ui;
        this.preferences = preferences;
    }

    @Post("/login")
    public HttpResponse<Map<String, Object>> login(@Body Credentials credentials, HttpRequest<?> request) throws SQLException {
        String source = AccessFilter.source(request);
        Outcome outcome = authenticator.signIn(credentials.user(), chars(credentials.password()), source, "web sign-in");
        if (outcome instanceof Outcome.Refused refused) {
            return refusal(refused, HttpStatus.UNAUTHORIZED);
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

    /**
     * Who is signed in, what they may do, and the page settings: the idle lock (seconds, 0 = off),
     * how long "Mark reviewed" can be undone, and their preferences.
     */
    @Get("/me")
    public Map<String, Object> me(HttpRequest<?> request) throws SQLException {
        Principal principal = AccessFilter.principal(request).orElseThrow();
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("user", principal.name());
        me.put("role", principal.role().name());
        me.put("permissions", Arrays.stream(Permission.values()).filter(principal::may).map(Enum::name).toList());
        me.put("mustChangePassword", !principal.ownPassword());
        me.put("idleLockSeconds", ui.idleLock().toSeconds());
        me.put("reviewUndoSeconds", ui.reviewUndo().toSeconds());
        me.put("preferences", preferences.of(principal.name()));
        return me;
    }

    /** The page locked itself after the user was idle; recorded so the timeline shows the gap. */
    @Post("/me/lock")
    public Map<String, Object> lock(HttpRequest<?> request) {
        Principal principal = AccessFilter.principal(request).orElseThrow();
        audit.user(principal.name(), AuditAction.SESSION_LOCK, null, List.of(), true, AccessFilter.source(request),
                "web page locked after " + ui.idleLock().toMinutes() + " min idle");
        return Map.of("locked", true);
    }

    /**
     * Checks the signed-in user's password to unlock the page, throttled and audited like a
     * sign-in, without opening a new session: the session stays the one that was locked.
     */
    @Post("/me/unlock")
    public HttpResponse<Map<String, Object>> unlock(@Body Unlock unlock, HttpRequest<?> request) {
        Principal principal = AccessFilter.principal(request).orElseThrow();
        String source = AccessFilter.source(request);
        Outcome outcome = authenticator.signIn(principal.name(), chars(unlock.password()), source, "web unlock");
        if (outcome instanceof Outcome.Refused refused) {
            // 422, not 401: the session is still good, only this password was wrong.
            return refusal(refused, HttpStatus.UNPROCESSABLE_ENTITY);
        }
        audit.user(principal.name(), AuditAction.SESSION_UNLOCK, null, List.of(), true, source, "web page unlocked");
        return HttpResponse.ok(Map.of("locked", false));
    }

    @Get("/me/preferences")
    public Map<String, Object> preferences(HttpRequest<?> request) throws SQLException {
        return preferences.of(AccessFilter.principal(request).orElseThrow().name());
    }

    /** Stores some of the user's preferences; an unknown key or a wrong value is refused with the reason. */
    @Post("/me/preferences")
    public HttpResponse<Map<String, Object>> setPreferences(@Body Map<String, Object> changes, HttpRequest<?> request)
            throws SQLException {
        try {
            return HttpResponse.ok(preferences.set(AccessFilter.principal(request).orElseThrow().name(), changes));
        } catch (IllegalArgumentException e) {
            return HttpResponse.<Map<String, Object>>status(HttpStatus.UNPROCESSABLE_ENTITY).body(Map.of("error", e.getMessage()));
        }
    }

    /** 429 with Retry-After while throttled, else {@code status}. */
    private static MutableHttpResponse<Map<String, Object>> refusal(Outcome.Refused refused, HttpStatus status) {
        MutableHttpResponse<Map<String, Object>> response = HttpResponse.<Map<String, Object>>status(
                refused.retryAfter().isPresent() ? HttpStatus.TOO_MANY_REQUESTS : status)
                .body(Map.of("error", refused.reason()));
        refused.retryAfter().ifPresent(wait -> response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, wait.toSeconds()))));
        return response;
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
}
