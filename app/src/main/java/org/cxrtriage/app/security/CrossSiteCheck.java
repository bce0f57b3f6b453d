package org.cxrtriage.app.security;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-site request forgery guard for requests that ride on the sign-in cookie. SameSite=Strict
 * keeps the cookie from other sites, but "site" is the host without the port: a page on another
 * port of the same host (a PACS's web UI, say) still gets it sent. So a state-changing request
 * with a cookie session must also carry the header the worklist page always sets
 * ({@code X-Requested-With: cxr-triage}, which no other origin can add without a CORS preflight
 * we never grant), and whatever {@code Origin} and {@code Sec-Fetch-Site} the browser sent must
 * say it came from this very origin. Bearer and Basic clients never depend on a cookie and are
 * not affected.
 */
final class CrossSiteCheck {

    static final String HEADER = "X-Requested-With";
    static final String HEADER_VALUE = "cxr-triage";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private CrossSiteCheck() {
    }

    /** Why the request is refused, or empty when it may go on. */
    static Optional<String> refusal(String method, boolean cookieSession, String requestedWith, String origin,
                                    String fetchSite, String host) {
        if (SAFE.contains(method.toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return Optional.of("Sec-Fetch-Site is " + fetchSite + "; only the worklist page itself may change things");
        }
        if (origin != null && !origin.equals("null") && !sameHost(origin, host)) {
            return Optional.of("the request came from another origin");
        }
        if (origin != null && origin.equals("null")) {
            return Optional.of("the request came from an opaque origin");
        }
        if (cookieSession && !HEADER_VALUE.equals(requestedWith)) {
            return Optional.of("the " + HEADER + " header the worklist page sends is missing");
        }
        return Optional.empty();
    }

    private static String bare(String host) {
        return host.replaceAll("^\\[|]$", "");
    }

    private static boolean sameHost(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            String[] hostParts = host.toLowerCase(Locale.ROOT).split(":(?=\\d+$)");
            int hostPort = hostParts.length == 2 ? Integer.parseInt(hostParts[1]) : port;
            return uri.getHost() != null && bare(uri.getHost()).equalsIgnoreCase(bare(hostParts[0])) && port == hostPort;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
