package org.cxrtriage.models.calibration;

/**
 * Chooses the operating point: the highest threshold on the calibrated probability at which the
 * sensitivity on the given data reaches the target (a study is positive when p >= threshold).
 */
public final class ThresholdSelector {

    private ThresholdSelector() {
    }

    /** Sensitivity, specificity and counts at a threshold. */
    public record Performance(double threshold, int truePositives, int positives, int trueNegatives, int negatives) {
        public double sensitivity() {
            return positives == 0 ? Double.NaN : (double) truePositives / positives;
        }

        public double specificity() {
            return negatives == 0 ? Double.NaN : (double) trueNegatives / negatives;
        }
    }

    public static double forSensitivity(double[] probabilities, int[] labels, double target) {
        Integer[] order = Metrics.descending(probabilities);
        int positives = 0;
        for (int label : labels) {
            positives += label;
        }
        if (positives == 0) {
            throw new IllegalArgumentException("no positive cases: a threshold for a sensitivity cannot be chosen");
        }
        int needed = (int) Math.ceil(target * positives - 1e-9);
        int found = 0;
        for (Integer index : order) {
            if (labels[index] == 1) {
                found++;
                if (found >= needed) {
                    return probabilities[index];
                }
            }
        }
        return 0.0;
    }

    public static Performance evaluate(double[] probabilities, int[] labels, double threshold) {
        int tp = 0;
        int p = 0;
        int tn = 0;
        int n = 0;
        for (int i = 0; i < probabilities.length; i++) {
            boolean predicted = probabilities[i] >= threshold;
            if (labels[i] == 1) {
                p++;
                tp += predicted ? 1 : 0;
            } else {
                n++;
                tn += predicted ? 0 : 1;
            }
        }
        return new Performance(threshold, tp, p, tn, n);
    }
}
