package org.cxrtriage.app;

import io.micronaut.runtime.Micronaut;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Starts the cxr-triage server: DICOM listener, database, study assembly and HTTP endpoints. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        // Tomcat logs through java.util.logging; send it to the same log as everything else.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Micronaut.build(args)
                .properties(https(System.getenv()))
                .mainClass(Application.class)
                .banner(false)
                .start();
    }

    /**
     * HTTPS beside HTTP when TRIAGE_HTTPS_KEYSTORE names a PKCS12 (or .jks) keystore: on
     * TRIAGE_HTTPS_PORT (8443), with TRIAGE_HTTPS_KEYSTORE_PASSWORD. Plain HTTP then serves only
     * /health (see TransportPolicy).
     */
    static Map<String, Object> https(Map<String, String> environment) {
        String keystore = environment.getOrDefault("TRIAGE_HTTPS_KEYSTORE", "");
        if (keystore.isBlank()) {
            return Map.of();
        }
        if (!Files.isReadable(Path.of(keystore))) {
            throw new IllegalArgumentException("TRIAGE_HTTPS_KEYSTORE names " + keystore
                    + ", which does not exist or is not readable; give the path of a PKCS12 keystore with the server's key");
        }
        return Map.of(
                "micronaut.ssl.enabled", true,
                "micronaut.server.dual-protocol", true,
                "micronaut.ssl.port", Integer.parseInt(environment.getOrDefault("TRIAGE_HTTPS_PORT", "8443")),
                "micronaut.ssl.key-store.path", "file:" + Path.of(keystore).toAbsolutePath(),
                "micronaut.ssl.key-store.password", environment.getOrDefault("TRIAGE_HTTPS_KEYSTORE_PASSWORD", ""),
                "micronaut.ssl.key-store.type", keystore.toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12",
                "micronaut.ssl.protocols", List.of("TLSv1.3", "TLSv1.2"));
    }
}
