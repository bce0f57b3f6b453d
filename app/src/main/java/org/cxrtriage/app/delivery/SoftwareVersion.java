package org.cxrtriage.app.delivery;

/** cxr-triage's version as the packaged jar states it, for what we write into SRs. */
final class SoftwareVersion {

    private SoftwareVersion() {
    }

    static String current() {
        String version = SoftwareVersion.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "development build" : version;
    }
}
