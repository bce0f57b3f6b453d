package org.cxrtriage.app.security;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which permission each web page and JSON endpoint needs. FHIR has its own rules
 * ({@link FhirAccessPolicy}) because HAPI serves it outside Micronaut's routing.
 */
public final class HttpAccessPolicy {

    /** What a request needs: nothing, any signed-in user, or one permission. */
    public sealed interface Rule {
        record Open() implements Rule {
        }

        record SignedIn() implements Rule {
        }

        record Needs(Permission permission) implements Rule {
        }
    }

    private static final Pattern STUDY_AUDIT = Pattern.compile("/api/studies/[^/]+/audit(\\.csv)?");
    private static final Pattern STUDY_ACTION = Pattern.compile("/api/studies/[^/]+/(open|claim|release|review|undo-review)");
    private static final Pattern FEEDBACK = Pattern.compile("/api/findings/[^/]+/feedback");
    /** The signed-in user's own session and settings: sign-in state, password, idle lock, preferences. */
    private static final Pattern OWN = Pattern.compile("/api/me(/password|/lock|/unlock|/preferences)?");

    private HttpAccessPolicy() {
    }

    /** The rule for a request outside /fhir. */
    public static Rule rule(String method, String path) {
        if (path.equals("/health") || path.startsWith("/health/")) {
            return new Rule.Open();
        }
        if (path.equals("/api/login") && method.equals("POST") || path.equals("/api/logout")) {
            return new Rule.Open();
        }
        // One's own account and settings; and whether AI triage is suspended, for the banner every user of the page sees.
        if (OWN.matcher(path).matches() || path.equals("/api/monitoring/banner")) {
            return new Rule.SignedIn();
        }
        Optional<Permission> permission = permission(method, path);
        if (permission.isPresent()) {
            return new Rule.Needs(permission.get());
        }
        if (path.startsWith("/api/") || path.startsWith("/admin/")) {
            return new Rule.SignedIn();
        }
        // The page itself and its scripts and styles: the sign-in form must load for everybody.
        return new Rule.Open();
    }

    private static Optional<Permission> permission(String method, String path) {
        if (path.equals("/prometheus") || path.startsWith("/prometheus/") || path.equals("/metrics")
                || path.startsWith("/metrics/")) {
            return Optional.of(Permission.METRICS_READ);
        }
        // Any spelling of a comparison path (a trailing slash, doubled slashes) needs the patient-data permission.
        if ((path.startsWith("/api/admin/models") || path.startsWith("/admin/models")) && path.contains("comparison")) {
            return Optional.of(Permission.MODEL_COMPARISON);
        }
        if (path.startsWith("/admin/models") || path.startsWith("/api/admin/models")) {
            return Optional.of(Permission.MODEL_ADMIN);
        }
        if (path.startsWith("/api/admin/users")) {
            return Optional.of(Permission.USER_ADMIN);
        }
        if (path.equals("/api/admin/warnings")) {
            return Optional.of(Permission.SERVER_ADMIN);
        }
        if (path.equals("/api/monitoring/acknowledge")) {
            return Optional.of(Permission.MONITORING_ACKNOWLEDGE);
        }
        if (path.equals("/api/monitoring") || path.startsWith("/api/monitoring/")) {
            return Optional.of(Permission.MONITORING_READ);
        }
        if (path.startsWith("/api/admin/deliveries")) {
            return Optional.of(Permission.DELIVERY_ADMIN);
        }
        if (path.startsWith("/api/audit") || STUDY_AUDIT.matcher(path).matches()) {
            return Optional.of(Permission.AUDIT_READ);
        }
        if (STUDY_ACTION.matcher(path).matches() || FEEDBACK.matcher(path).matches()) {
            return Optional.of(Permission.WORKLIST_WRITE);
        }
        if (path.startsWith("/api/worklist") || path.startsWith("/api/studies") || path.startsWith("/api/summary")
                || path.startsWith("/api/findings/")) {
            return Optional.of(method.equals("GET") || method.equals("HEAD") ? Permission.WORKLIST_READ
                    : Permission.WORKLIST_WRITE);
        }
        return Optional.empty();
    }
}
