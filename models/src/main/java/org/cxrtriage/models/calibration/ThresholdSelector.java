package org.cxrtriage.models.calibration;

/**
 * Chooses the operating point for a target sensitivity (a study is positive when p >= threshold).
 * Going down the scores from the top, the target is met at some positive; from there the threshold
 * is lowered past any further positives until the next negative (more sensitivity at the same
 * specificity), and placed halfway between the last included score and the next lower one, not on
 * a score itself: on (nearly) separable data that would be a knife edge a slightly different
 * positive falls below.
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
        for (int rank = 0; rank < order.length; rank++) {
            if (labels[order[rank]] == 1 && ++found >= needed) {
                while (rank + 1 < order.length && labels[order[rank + 1]] == 1) {
                    rank++;
                }
                double score = probabilities[order[rank]];
                double below = 0.0;
                for (int next = rank + 1; next < order.length; next++) {
                    if (probabilities[order[next]] < score) {
                        below = probabilities[order[next]];
                        break;
                    }
                }
                return (score + below) / 2;
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
