package org.cxrtriage.app.security;

import jakarta.servlet.http.HttpServletResponse;

import java.util.Set;

/**
 * Headers on every response: a Content-Security-Policy that allows only this server's own
 * scripts, styles and images (no inline script, no framing), no MIME sniffing, no referrer, and
 * {@code Cache-Control: no-store} on everything except the page's own static files, so no patient
 * data (worklist JSON, FHIR, images) stays in a browser's or proxy's cache.
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; media-src 'self' data:;"
            + " frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private static final Set<String> STATIC = Set.of("/", "/index.html", "/app.js", "/app.css");

    private SecurityHeaders() {
    }

    static void apply(String path, HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        response.setHeader("Cache-Control", STATIC.contains(path) || path.matches("/[\\w.-]+\\.(js|css|svg|png|woff2?)")
                ? "no-cache" : "no-store");
    }
}
