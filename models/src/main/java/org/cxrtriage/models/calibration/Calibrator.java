package org.cxrtriage.models.calibration;

import org.cxrtriage.models.manifest.ModelManifest.Activation;
import org.cxrtriage.models.manifest.ModelManifest.CalibrationMethod;
import org.cxrtriage.models.manifest.ModelManifest.CalibrationSpec;
import org.cxrtriage.models.manifest.ModelManifest.OperatingPoint;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Calibrates one finding on labelled studies: fits Platt and isotonic calibration and keeps the
 * better on held-out folds ({@link CalibrationFitter}), chooses the threshold on the calibrated
 * probability that reaches the target sensitivity ({@link ThresholdSelector}), and measures
 * sensitivity and specificity there with Wilson 95% intervals. The manifest entries it returns are
 * what ./cxr-triage calibrate writes.
 */
public final class Calibrator {

    /** Fewer positive or negative studies than this and a finding is not calibrated. */
    public static final int MIN_PER_CLASS = 5;
    /** Seed of the cross-validation folds; fixed so a calibration can be reproduced. */
    public static final long FOLD_SEED = 20261123L;

    private final Activation activation;
    private final int folds;

    /**
     * @param activation what the model's raw outputs are (logits or probabilities)
     * @param folds      cross-validation folds for choosing between Platt and isotonic
     */
    public Calibrator(Activation activation, int folds) {
        this.activation = activation;
        this.folds = folds;
    }

    /**
     * One finding's calibration and operating point, with what the report needs.
     *
     * @param before the uncalibrated probabilities of the studies, in input order
     * @param choice which method won, its held-out probabilities and both candidates' log-loss
     */
    public record Result(CalibrationSpec calibration, OperatingPoint operatingPoint, double[] raw, int[] truth,
                         double[] before, CalibrationFitter.Choice choice) {
    }

    /** Why a finding cannot be calibrated on these labels, or empty when it can. */
    public static Optional<String> insufficient(int[] truth) {
        int positives = Arrays.stream(truth).sum();
        int negatives = truth.length - positives;
        if (positives < MIN_PER_CLASS || negatives < MIN_PER_CLASS) {
            return Optional.of("needs at least " + MIN_PER_CLASS + " positive and " + MIN_PER_CLASS
                    + " negative studies (has " + positives + " and " + negatives + ")");
        }
        return Optional.empty();
    }

    /**
     * @param raw               the model's raw output for the finding, one per labelled study
     * @param truth             1 present, 0 absent, same order
     * @param targetSensitivity the operating point's target, e.g. 0.95
     * @param version           calibration version written to the manifest, e.g. "cal-20261201T101500"
     * @param fittedOn          a description of the studies, written to the manifest
     */
    public Result fit(double[] raw, int[] truth, double targetSensitivity, String version, String fittedOn) {
        insufficient(truth).ifPresent(why -> {
            throw new IllegalArgumentException("cannot calibrate: " + why);
        });
        double[] before = Arrays.stream(raw).map(r -> Logistic.toProbability(r, activation)).toArray();
        CalibrationFitter.Choice choice = CalibrationFitter.fit(raw, truth, activation, folds, FOLD_SEED);
        double[] fitted = Arrays.stream(raw).map(choice.calibration()::probability).toArray();
        double threshold = ThresholdSelector.forSensitivity(fitted, truth, targetSensitivity);
        ThresholdSelector.Performance at = ThresholdSelector.evaluate(fitted, truth, threshold);
        double[] sensitivityCi = Metrics.wilson(at.truePositives(), at.positives());
        double[] specificityCi = Metrics.wilson(at.trueNegatives(), at.negatives());
        OperatingPoint point = new OperatingPoint(threshold, targetSensitivity, at.sensitivity(),
                List.of(sensitivityCi[0], sensitivityCi[1]), at.specificity(), List.of(specificityCi[0], specificityCi[1]),
                at.positives(), at.negatives());
        return new Result(spec(choice.calibration(), version, fittedOn), point, raw.clone(), truth.clone(), before, choice);
    }

    /** The manifest entry of a fitted calibration. */
    static CalibrationSpec spec(Calibration calibration, String version, String fittedOn) {
        if (calibration instanceof PlattCalibration platt) {
            return new CalibrationSpec(CalibrationMethod.PLATT, platt.a(), platt.b(), List.of(), List.of(), version, fittedOn);
        }
        if (calibration instanceof IsotonicCalibration isotonic) {
            return new CalibrationSpec(CalibrationMethod.ISOTONIC, 1, 0, boxed(isotonic.x()), boxed(isotonic.y()), version,
                    fittedOn);
        }
        throw new IllegalArgumentException("no manifest form for " + calibration.getClass().getSimpleName());
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
