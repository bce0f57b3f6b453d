package org.cxrtriage.app.security;

import jakarta.inject.Singleton;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.cxrtriage.app.config.HttpLimitsConfig;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * The first thing every HTTP request meets, for the web page, the JSON API and FHIR alike (a
 * servlet filter, so it sees FHIR too, which bypasses Micronaut's filters):
 * <ul>
 *   <li>a path or query holding control characters (e.g. {@code %0A}) is refused with 400: no
 *       identifier with a newline ever reaches a log, the audit trail or a query;</li>
 *   <li>a request body is read in full here, before anything else runs, within a size limit per
 *       endpoint (413) and a time limit (408), by at most a bounded number of requests at once
 *       (503 when busy; requests without credentials get a smaller share), so slow or huge bodies
 *       cannot hold the server's threads or memory ({@link RequestBody});</li>
 *   <li>every response gets the security headers of {@link SecurityHeaders}.</li>
 * </ul>
 */
@Singleton
@WebFilter(filterName = "http-guard", urlPatterns = "/*")
public final class HttpGuard implements Filter {

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final HttpLimitsConfig limits;
    private final Semaphore bodies;
    private final Semaphore anonymousBodies;

    public HttpGuard(HttpLimitsConfig limits) {
        this.limits = limits;
        this.bodies = new Semaphore(limits.concurrentBodies());
        this.anonymousBodies = new Semaphore(limits.concurrentAnonymousBodies());
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        SecurityHeaders.apply(request.getRequestURI(), response);
        if (holdsControlCharacters(request)) {
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "the address holds control characters");
            return;
        }
        if (!RequestBody.expected(request)) {
            chain.doFilter(request, response);
            return;
        }
        long limit = limits.bodyLimit(request.getRequestURI());
        if (request.getContentLengthLong() > limit) {
            refuse(request, response, 413, "request body larger than " + limit + " bytes");
            return;
        }
        boolean anonymous = request.getHeader("Authorization") == null && request.getCookies() == null;
        Semaphore share = anonymous ? anonymousBodies : bodies;
        if (!share.tryAcquire()) {
            response.setHeader("Retry-After", "2");
            refuse(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "too many requests at once; try again shortly");
            return;
        }
        RequestBody body;
        try {
            body = RequestBody.read(request, limit, limits.bodyTimeout());
        } catch (RequestBody.TooLarge e) {
            refuse(request, response, 413, "request body larger than " + limit + " bytes");
            return;
        } catch (RequestBody.TooSlow e) {
            refuse(request, response, 408, "request body not received within " + limits.bodyTimeout().toSeconds() + " s");
            return;
        } finally {
            share.release();
        }
        chain.doFilter(body.wrap(request), response);
    }

    private static boolean holdsControlCharacters(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String query = request.getQueryString();
        return CONTROL.matcher(decode(uri)).find() || query != null && CONTROL.matcher(decode(query)).find();
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    /**
     * An error answer that also closes the connection, so nothing waits to swallow an unread body;
     * an OperationOutcome on FHIR paths, {"error": ...} elsewhere.
     */
    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        response.setStatus(status);
        response.setHeader("Connection", "close");
        response.setCharacterEncoding("UTF-8");
        String text = message.replace("\"", "'");
        if (request.getRequestURI().startsWith("/fhir")) {
            response.setContentType("application/fhir+json");
            String code = status == 413 ? "too-costly" : status == 503 || status == 408 ? "transient" : "invalid";
            response.getWriter().write("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\""
                    + code + "\",\"diagnostics\":\"CXR-" + status + ": " + text + "\"}]}");
        } else {
            response.setContentType("application/json");
            response.getWriter().write("{\"error\":\"" + text + "\"}");
        }
    }
}
