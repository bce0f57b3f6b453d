package org.cxrtriage.models.calibration;

import org.cxrtriage.models.manifest.ModelManifest.Activation;

/** Conversions between logits and probabilities. */
public final class Logistic {

    private static final double EPSILON = 1e-7;

    private Logistic() {
    }

    public static double sigmoid(double logit) {
        return logit >= 0 ? 1 / (1 + Math.exp(-logit)) : Math.exp(logit) / (1 + Math.exp(logit));
    }

    public static double logit(double probability) {
        double p = Math.min(1 - EPSILON, Math.max(EPSILON, probability));
        return Math.log(p / (1 - p));
    }

    /** The uncalibrated probability of a raw output. */
    public static double toProbability(double raw, Activation activation) {
        return activation == Activation.LOGITS ? sigmoid(raw) : Math.min(1, Math.max(0, raw));
    }

    /** The logit of a raw output (Platt scaling works on logits). */
    public static double toLogit(double raw, Activation activation) {
        return activation == Activation.LOGITS ? raw : logit(raw);
    }
}
