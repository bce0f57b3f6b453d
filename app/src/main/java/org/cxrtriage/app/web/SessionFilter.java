package org.cxrtriage.app.web;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import org.reactivestreams.Publisher;

import java.time.Instant;
import java.util.Map;

/** Every worklist API call needs a valid session cookie, except signing in. */
@Filter("/api/**")
public final class SessionFilter implements HttpServerFilter {

    static final String COOKIE = "cxr_session";
    static final String USER_ATTRIBUTE = "cxr.user";

    private final LocalAccount account;

    public SessionFilter(LocalAccount account) {
        this.account = account;
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        if (request.getPath().equals("/api/login")) {
            return chain.proceed(request);
        }
        String token = request.getCookies().findCookie(COOKIE).map(Cookie::getValue).orElse(null);
        return account.verify(token, Instant.now())
                .<Publisher<MutableHttpResponse<?>>>map(user -> {
                    request.setAttribute(USER_ATTRIBUTE, user);
                    return chain.proceed(request);
                })
                .orElseGet(() -> Publishers.just(HttpResponse.unauthorized().body(Map.of("error", "sign in first"))));
    }
}
