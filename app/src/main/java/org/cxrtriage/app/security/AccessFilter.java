package org.cxrtriage.app.security;

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
import org.cxrtriage.app.security.Authenticator.Outcome;
import org.cxrtriage.app.security.HttpAccessPolicy.Rule;
import org.reactivestreams.Publisher;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Authentication and authorisation for everything Micronaut serves (the web page, the JSON API,
 * health, metrics, admin): 401 without valid credentials, 403 when the role lacks the permission,
 * 429 while sign-ins are throttled. The signed-in {@link Principal} is left on the request.
 */
@Filter("/**")
public final class AccessFilter implements HttpServerFilter {

    public static final String SESSION_COOKIE = "cxr_session";
    public static final String PRINCIPAL = "cxr.principal";

    private final Authenticator authenticator;
    private final TransportPolicy transport;

    public AccessFilter(Authenticator authenticator, TransportPolicy transport) {
        this.authenticator = authenticator;
        this.transport = transport;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        if (transport.refusesPlain(request.isSecure(), request.getPath())) {
            return Publishers.just(HttpResponse.status(HttpStatus.FORBIDDEN).contentType(MediaType.APPLICATION_JSON_TYPE)
                    .body(Map.of("error", transport.advice(request.getHeaders().get(HttpHeaders.HOST)))));
        }
        Rule rule = HttpAccessPolicy.rule(request.getMethodName(), request.getPath());
        Outcome outcome = authenticator.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION),
                request.getCookies().findCookie(SESSION_COOKIE).map(Cookie::getValue).orElse(null),
                source(request), "HTTP " + request.getPath());
        if (outcome instanceof Outcome.SignedIn signedIn) {
            request.setAttribute(PRINCIPAL, signedIn.principal());
        }
        if (rule instanceof Rule.Open) {
            return chain.proceed(request);
        }
        if (outcome instanceof Outcome.Refused refused) {
            return Publishers.just(refused.retryAfter().isPresent() ? tooManyAttempts(refused.retryAfter().get())
                    : unauthorized(request, refused.reason()));
        }
        if (!(outcome instanceof Outcome.SignedIn signedIn)) {
            return Publishers.just(unauthorized(request, "sign in first"));
        }
        if (rule instanceof Rule.Needs needs && !signedIn.principal().may(needs.permission())) {
            return Publishers.just(HttpResponse.status(HttpStatus.FORBIDDEN).contentType(MediaType.APPLICATION_JSON_TYPE)
                    .body(Map.of("error", "the role " + signedIn.principal().role() + " does not allow this ("
                            + needs.permission() + ")")));
        }
        return chain.proceed(request);
    }

    /** The signed-in user of a request that passed this filter. */
    public static Optional<Principal> principal(HttpRequest<?> request) {
        return request.getAttribute(PRINCIPAL, Principal.class);
    }

    public static String source(HttpRequest<?> request) {
        var address = request.getRemoteAddress().getAddress();
        return address == null ? "unknown" : address.getHostAddress();
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
                "too many failed sign-ins; try again in " + Math.max(1, wait.toMinutes()) + " min"));
    }
}
