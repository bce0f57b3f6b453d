package org.cxrtriage.app.triage.rollout;

import java.util.Map;

/**
 * What promotion to active requires (README "Model rollout").
 *
 * @param minShadowStudies  studies a version must have been scored on beside the active version
 *                          (TRIAGE_ROLLOUT_MIN_SHADOW_STUDIES, default 200)
 * @param minAgreement      share of those studies on which it agrees with the active version about
 *                          "critical" (TRIAGE_ROLLOUT_MIN_AGREEMENT, default 0.90)
 * @param sensitivityMargin a site calibration counts when every critical finding's sensitivity at its
 *                          operating point is at least its target minus this (TRIAGE_ROLLOUT_SENSITIVITY_MARGIN,
 *                          default 0.02)
 * @param minSensitivity    the target a site calibration is held to at least, whatever target it was run
 *                          with, so that lowering {@code --target-sensitivity} cannot pass the gate
 *                          (TRIAGE_ROLLOUT_MIN_SENSITIVITY, default 0.95, calibrate's default for critical findings)
 */
public record RolloutRules(int minShadowStudies, double minAgreement, double sensitivityMargin, double minSensitivity) {

    public RolloutRules {
        if (minShadowStudies < 1) {
            throw new IllegalArgumentException("TRIAGE_ROLLOUT_MIN_SHADOW_STUDIES must be at least 1, not " + minShadowStudies);
        }
        if (minAgreement < 0 || minAgreement > 1) {
            throw new IllegalArgumentException("TRIAGE_ROLLOUT_MIN_AGREEMENT must be in [0, 1], not " + minAgreement);
        }
        if (!(sensitivityMargin >= 0 && sensitivityMargin < 1)) {
            throw new IllegalArgumentException("TRIAGE_ROLLOUT_SENSITIVITY_MARGIN must be in [0, 1), not " + sensitivityMargin
                    + "; to ask more of a site calibration raise TRIAGE_ROLLOUT_MIN_SENSITIVITY instead");
        }
        if (!(minSensitivity >= 0 && minSensitivity <= 1)) {
            throw new IllegalArgumentException("TRIAGE_ROLLOUT_MIN_SENSITIVITY must be in [0, 1], not " + minSensitivity);
        }
    }

    /** The rules as the command-line tools read them from the environment. */
    public static RolloutRules fromEnvironment(Map<String, String> environment) {
        return new RolloutRules(Integer.parseInt(environment.getOrDefault("TRIAGE_ROLLOUT_MIN_SHADOW_STUDIES", "200").trim()),
                Double.parseDouble(environment.getOrDefault("TRIAGE_ROLLOUT_MIN_AGREEMENT", "0.90").trim()),
                Double.parseDouble(environment.getOrDefault("TRIAGE_ROLLOUT_SENSITIVITY_MARGIN", "0.02").trim()),
                Double.parseDouble(environment.getOrDefault("TRIAGE_ROLLOUT_MIN_SENSITIVITY", "0.95").trim()));
    }
}
