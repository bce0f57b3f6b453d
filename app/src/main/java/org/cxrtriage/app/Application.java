package org.cxrtriage.app;

import io.micronaut.runtime.Micronaut;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts the cxr-triage server: DICOM listener, database, study assembly and HTTP endpoints. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        // Tomcat logs through java.util.logging; send it to the same log as everything else.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Micronaut.build(args)
                .mainClass(Application.class)
                .banner(false)
                .start();
    }
}
