package org.cxrtriage.models.registry;

import java.util.Optional;

/**
 * One finding of one image as a model scored it.
 *
 * @param raw                the model's raw output (logit or probability, per the manifest)
 * @param probability        calibrated probability in [0, 1]
 * @param threshold          the operating point, when the manifest has one
 * @param positive           probability >= threshold (false when there is no operating point)
 * @param calibrationVersion which calibration produced the probability
 */
public record FindingScore(
        String key,
        String display,
        String codeSystem,
        String code,
        double raw,
        double probability,
        Optional<Double> threshold,
        boolean positive,
        boolean critical,
        double severityWeight,
        String calibrationVersion) {
}
