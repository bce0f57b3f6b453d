package org.cxrtriage.models.calibration;

import org.cxrtriage.models.manifest.ModelManifest.Activation;

import java.util.Random;

/**
 * Fits Platt and isotonic calibration, compares their log-loss on held-out folds (k-fold
 * cross-validation, stratified by label) and refits the winner on all the data. Platt (two
 * parameters, smooth) is kept unless isotonic (a step function) is better by more than
 * {@link #ISOTONIC_MARGIN}, counting Platt's loss above the floor its smoothed targets impose: on
 * small or separable data isotonic wins on raw log-loss by memorising the folds, and its steps
 * then put unseen cases on the wrong side of the threshold.
 */
public final class CalibrationFitter {

    public enum Method { PLATT, ISOTONIC }

    /** Held-out log-loss isotonic must save over Platt to be chosen. */
    public static final double ISOTONIC_MARGIN = 0.005;

    /**
     * The chosen calibration (refitted on all data), the cross-validated log-loss of both
     * candidates, and the chosen method's held-out probabilities (for honest after-calibration
     * metrics).
     */
    public record Choice(Method method, Calibration calibration, double plattLogLoss, double isotonicLogLoss,
                         double[] heldOutProbabilities) {
    }

    private CalibrationFitter() {
    }

    public static Choice fit(double[] raw, int[] labels, Activation activation, int folds, long seed) {
        int[] fold = stratifiedFolds(labels, folds, seed);
        double[] plattHeldOut = new double[raw.length];
        double[] isotonicHeldOut = new double[raw.length];
        for (int k = 0; k < folds; k++) {
            Split split = Split.of(raw, labels, fold, k);
            Calibration platt = PlattCalibration.fit(split.trainRaw, split.trainLabels, activation);
            Calibration isotonic = IsotonicCalibration.fit(split.trainRaw, split.trainLabels, activation);
            for (int i = 0; i < raw.length; i++) {
                if (fold[i] == k) {
                    plattHeldOut[i] = platt.probability(raw[i]);
                    isotonicHeldOut[i] = isotonic.probability(raw[i]);
                }
            }
        }
        double plattLoss = Metrics.logLoss(plattHeldOut, labels);
        double isotonicLoss = Metrics.logLoss(isotonicHeldOut, labels);
        boolean plattWins = plattLoss - plattFloor(labels) <= isotonicLoss + ISOTONIC_MARGIN;
        Calibration chosen = plattWins ? PlattCalibration.fit(raw, labels, activation)
                : IsotonicCalibration.fit(raw, labels, activation);
        return new Choice(plattWins ? Method.PLATT : Method.ISOTONIC, chosen, plattLoss, isotonicLoss,
                plattWins ? plattHeldOut : isotonicHeldOut);
    }

    /** The log-loss of Platt's smoothed targets themselves: what Platt scores on perfectly separated data. */
    static double plattFloor(int[] labels) {
        int positives = 0;
        for (int label : labels) {
            positives += label;
        }
        int negatives = labels.length - positives;
        double high = (positives + 1.0) / (positives + 2.0);
        double low = 1.0 / (negatives + 2.0);
        return -(positives * Math.log(high) + negatives * Math.log(1 - low)) / labels.length;
    }

    static int[] stratifiedFolds(int[] labels, int folds, long seed) {
        Random random = new Random(seed);
        int[] fold = new int[labels.length];
        int[] next = new int[2];
        Integer[] order = new Integer[labels.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Collections.shuffle(java.util.Arrays.asList(order), random);
        for (int index : order) {
            fold[index] = next[labels[index]]++ % folds;
        }
        return fold;
    }

    private record Split(double[] trainRaw, int[] trainLabels) {
        static Split of(double[] raw, int[] labels, int[] fold, int k) {
            int size = 0;
            for (int f : fold) {
                size += f == k ? 0 : 1;
            }
            double[] trainRaw = new double[size];
            int[] trainLabels = new int[size];
            int j = 0;
            for (int i = 0; i < raw.length; i++) {
                if (fold[i] != k) {
                    trainRaw[j] = raw[i];
                    trainLabels[j++] = labels[i];
                }
            }
            return new Split(trainRaw, trainLabels);
        }
    }
}
