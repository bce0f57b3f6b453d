package org.cxrtriage.app.security;

import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;

/**
 * With HTTPS configured, credentials and patient data travel over HTTPS only: plain HTTP keeps
 * serving {@code /health} (for load balancers and probes) and the CapabilityStatement, and refuses
 * everything else with a pointer to the HTTPS port.
 */
@Singleton
public final class TransportPolicy {

    private final boolean https;
    private final int httpsPort;

    public TransportPolicy(@Property(name = "micronaut.ssl.enabled", defaultValue = "false") boolean https,
                           @Property(name = "micronaut.ssl.port", defaultValue = "8443") int httpsPort) {
        this.https = https;
        this.httpsPort = httpsPort;
    }

    /** True when this request must not be served because it came over plain HTTP. */
    public boolean refusesPlain(boolean secure, String path) {
        return https && !secure && !path.equals("/health") && !path.startsWith("/health/")
                && !path.equals("/fhir/metadata");
    }

    public String advice(String host) {
        return "HTTPS is required: use https://" + (host == null ? "this-server" : host.replaceAll(":\\d+$", "")) + ":"
                + httpsPort;
    }
}
