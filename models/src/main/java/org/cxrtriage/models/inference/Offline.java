package org.cxrtriage.models.inference;

/**
 * A hospital server makes no outbound calls. DJL would otherwise contact its telemetry and model
 * hub at engine start; these properties must be set before any DJL class initialises.
 */
public final class Offline {

    private Offline() {
    }

    public static void ensure() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.repository.zoo.location", "");
    }
}
