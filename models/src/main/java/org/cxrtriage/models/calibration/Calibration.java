package org.cxrtriage.models.calibration;

import org.cxrtriage.models.manifest.ModelManifest.Activation;
import org.cxrtriage.models.manifest.ModelManifest.CalibrationSpec;

/**
 * Maps a model's raw output for one finding to a calibrated probability in [0, 1]. The raw
 * output is a logit or a probability, as the manifest's output.activation says.
 */
public interface Calibration {

    double probability(double raw);

    /** The calibration a manifest describes, for outputs of the given activation. */
    static Calibration of(CalibrationSpec spec, Activation activation) {
        return switch (spec.method()) {
            case NONE -> raw -> Logistic.toProbability(raw, activation);
            case PLATT -> new PlattCalibration(spec.a(), spec.b(), activation);
            case ISOTONIC -> new IsotonicCalibration(
                    spec.x().stream().mapToDouble(Double::doubleValue).toArray(),
                    spec.y().stream().mapToDouble(Double::doubleValue).toArray(), activation);
        };
    }
}
