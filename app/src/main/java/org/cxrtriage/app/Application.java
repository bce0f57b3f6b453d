package org.cxrtriage.app;

import io.micronaut.runtime.Micronaut;

/** Starts the cxr-triage server: DICOM listener, database, study assembly and HTTP endpoints. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.build(args)
                .mainClass(Application.class)
                .banner(false)
                .start();
    }
}
