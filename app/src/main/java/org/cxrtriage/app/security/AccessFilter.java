package org.cxrtriage.app.security;

import org.cxrtriage.compliance.AuditAction;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.security.Authenticator.Outcome;
import org.cxrtriage.app.security.HttpAccessPolicy.Rule;
import org.reactivestreams.Publisher;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authentication and authorisation for everything Micronaut serves (the web page, the JSON API,
 * health, metrics, admin): 401 without valid credentials, 403 when the role lacks the permission
 * or a cookie-session request lacks its cross-site proof ({@link CrossSiteCheck}), 429 while
 * sign-ins are throttled. Every 401 and 403 is audited (counted per address when repeated). The
 * signed-in {@link Principal} is left on the request.
 */
@Filter("/**")
public final class AccessFilter implements HttpServerFilter {

    public static final String SESSION_COOKIE = "cxr_session";
    public static final String PRINCIPAL = "cxr.principal";

    private final Authenticator authenticator;
    private final TransportPolicy transport;
    private final AuditTrail audit;

    public AccessFilter(Authenticator authenticator, TransportPolicy transport, AuditTrail audit) {
        this.authenticator = authenticator;
        this.transport = transport;
        this.audit = audit;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        if (transport.refusesPlain(request.isSecure(), request.getPath())) {
            return refused(request, HttpResponse.status(HttpStatus.FORBIDDEN).contentType(MediaType.APPLICATION_JSON_TYPE)
                    .body(Map.of("error", transport.advice(request.getHeaders().get(HttpHeaders.HOST)))));
        }
        String method = request.getMethodName();
        String path = request.getPath();
        Rule rule = HttpAccessPolicy.rule(method, path);
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String cookie = request.getCookies().findCookie(SESSION_COOKIE).map(Cookie::getValue).orElse(null);
        Optional<String> crossSite = CrossSiteCheck.refusal(method, authorization == null && cookie != null,
                request.getHeaders().get("X-Requested-With"), request.getHeaders().get("Origin"),
                request.getHeaders().get("Sec-Fetch-Site"), request.getHeaders().get(HttpHeaders.HOST));
        if (crossSite.isPresent() && !(rule instanceof Rule.Open && !path.equals("/api/login") && !path.equals("/api/logout"))) {
            audit.refusal("USER", "unknown", AuditAction.ACCESS_DENIED, List.of(method + " " + path), source(request),
                    "cross-site request refused: " + crossSite.get());
            return refused(request, error(HttpStatus.FORBIDDEN, "request refused: " + crossSite.get()));
        }
        Outcome outcome = authenticator.authenticate(authorization, cookie, source(request), "HTTP " + path);
        if (outcome instanceof Outcome.SignedIn signedIn) {
            request.setAttribute(PRINCIPAL, signedIn.principal());
        }
        if (rule instanceof Rule.Open) {
            return chain.proceed(request);
        }
        if (outcome instanceof Outcome.Refused refused) {
            if (refused.retryAfter().isPresent()) {
                return refused(request, tooManyAttempts(refused.retryAfter().get()));
            }
            if (!isBasic(authorization)) { // a wrong password is already audited as login.failed
                audit.refusal("USER", "unknown", AuditAction.ACCESS_DENIED, List.of(method + " " + path), source(request),
                        "401: " + refused.reason());
            }
            return refused(request, unauthorized(request, refused.reason()));
        }
        if (!(outcome instanceof Outcome.SignedIn signedIn)) {
            audit.refusal("USER", "anonymous", AuditAction.ACCESS_DENIED, List.of(method + " " + path), source(request),
                    "401: no credentials");
            return refused(request, unauthorized(request, "sign in first"));
        }
        Principal principal = signedIn.principal();
        if (rule instanceof Rule.Needs needs && !principal.may(needs.permission())) {
            String why = principal.withheldUntilOwnPassword(needs.permission())
                    ? "set your own password first (your password was set by an administrator): POST /api/me/password"
                    : "the role " + principal.role() + " does not allow this (" + needs.permission() + ")";
            audit.refusal("USER", principal.name(), AuditAction.ACCESS_DENIED, List.of(method + " " + path), source(request),
                    "403: " + why);
            return refused(request, error(HttpStatus.FORBIDDEN, why));
        }
        return chain.proceed(request);
    }

    /**
     * A refusal answered here, before the route runs. The servlet engine would otherwise encode our
     * JSON error with the writer of the route's own return type (a byte[] preview, a record) and
     * fail with a 500 and a stack trace; without the route's information it writes the map as JSON.
     */
    private static Publisher<MutableHttpResponse<?>> refused(HttpRequest<?> request, MutableHttpResponse<?> response) {
        request.removeAttribute(io.micronaut.http.HttpAttributes.ROUTE_INFO.toString(), Object.class);
        return Publishers.just(response);
    }

    static boolean isBasic(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    }

    /** The signed-in user of a request that passed this filter. */
    public static Optional<Principal> principal(HttpRequest<?> request) {
        return request.getAttribute(PRINCIPAL, Principal.class);
    }

    public static String source(HttpRequest<?> request) {
        var address = request.getRemoteAddress().getAddress();
        return address == null ? "unknown" : address.getHostAddress();
    }

    private static MutableHttpResponse<?> error(HttpStatus status, String message) {
        return HttpResponse.status(status).contentType(MediaType.APPLICATION_JSON_TYPE).body(Map.of("error", message));
    }

    private static MutableHttpResponse<?> unauthorized(HttpRequest<?> request, String reason) {
        MutableHttpResponse<Map<String, String>> response = HttpResponse.<Map<String, String>>status(HttpStatus.UNAUTHORIZED)
                .contentType(MediaType.APPLICATION_JSON_TYPE).body(Map.of("error", reason));
        // The web page asks with X-Requested-With; a Basic challenge would make browsers pop up their own dialog.
        if (request.getHeaders().get("X-Requested-With") == null) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"cxr-triage\", charset=\"UTF-8\"");
        }
        return response;
    }

    private static MutableHttpResponse<?> tooManyAttempts(Duration wait) {
        return HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS).contentType(MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.RETRY_AFTER,
                Long.toString(Math.max(1, wait.toSeconds()))).body(Map.of("error",
                "too many failed sign-ins; try again in " + Math.max(1, wait.toSeconds()) + " s"));
    }
}
