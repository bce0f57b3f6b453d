package org.cxrtriage.models.calibration;

import java.util.Arrays;
import java.util.Comparator;

/** Discrimination and calibration measures with their confidence intervals. */
public final class Metrics {

    private static final double Z95 = 1.959963984540054;

    private Metrics() {
    }

    /** Area under the ROC curve (Mann-Whitney, ties count one half). */
    public static double auc(double[] scores, int[] labels) {
        return DeLong.of(scores, labels).auc();
    }

    /** AUC with its DeLong 95% confidence interval: {auc, low, high}. */
    public static double[] aucWithCi(double[] scores, int[] labels) {
        DeLong delong = DeLong.of(scores, labels);
        double se = Math.sqrt(delong.variance());
        return new double[] {delong.auc(), Math.max(0, delong.auc() - Z95 * se), Math.min(1, delong.auc() + Z95 * se)};
    }

    /** Expected calibration error over {@code bins} equal-width bins of predicted probability. */
    public static double expectedCalibrationError(double[] probabilities, int[] labels, int bins) {
        double[] sumP = new double[bins];
        double[] sumY = new double[bins];
        int[] count = new int[bins];
        for (int i = 0; i < probabilities.length; i++) {
            int bin = Math.min(bins - 1, (int) (probabilities[i] * bins));
            sumP[bin] += probabilities[i];
            sumY[bin] += labels[i];
            count[bin]++;
        }
        double ece = 0;
        for (int bin = 0; bin < bins; bin++) {
            if (count[bin] > 0) {
                ece += Math.abs(sumP[bin] - sumY[bin]) / probabilities.length;
            }
        }
        return ece;
    }

    /** Mean squared difference between probability and outcome. */
    public static double brier(double[] probabilities, int[] labels) {
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double d = probabilities[i] - labels[i];
            sum += d * d;
        }
        return sum / probabilities.length;
    }

    /** Mean log-loss, probabilities clipped away from 0 and 1. */
    public static double logLoss(double[] probabilities, int[] labels) {
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double p = Math.min(1 - 1e-12, Math.max(1e-12, probabilities[i]));
            sum -= labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
        }
        return sum / probabilities.length;
    }

    /** Wilson score 95% interval for {@code successes} out of {@code n}: {low, high}. */
    public static double[] wilson(int successes, int n) {
        if (n == 0) {
            return new double[] {0, 1};
        }
        double p = (double) successes / n;
        double z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /** DeLong's structural components: AUC and its variance (DeLong, DeLong and Clarke-Pearson 1988). */
    private record DeLong(double auc, double variance) {

        static DeLong of(double[] scores, int[] labels) {
            int m = 0;
            for (int label : labels) {
                m += label;
            }
            int n = labels.length - m;
            if (m == 0 || n == 0) {
                throw new IllegalArgumentException("AUC needs both positive and negative cases (positives " + m
                        + ", negatives " + n + ")");
            }
            double[] positives = new double[m];
            double[] negatives = new double[n];
            int pi = 0;
            int ni = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == 1) {
                    positives[pi++] = scores[i];
                } else {
                    negatives[ni++] = scores[i];
                }
            }
            double[] sortedNegatives = negatives.clone();
            double[] sortedPositives = positives.clone();
            Arrays.sort(sortedNegatives);
            Arrays.sort(sortedPositives);
            double[] v10 = new double[m];
            double[] v01 = new double[n];
            double auc = 0;
            for (int i = 0; i < m; i++) {
                v10[i] = (countBelow(sortedNegatives, positives[i]) + 0.5 * countEqual(sortedNegatives, positives[i])) / n;
                auc += v10[i];
            }
            auc /= m;
            for (int j = 0; j < n; j++) {
                v01[j] = (m - countBelow(sortedPositives, negatives[j]) - countEqual(sortedPositives, negatives[j])
                        + 0.5 * countEqual(sortedPositives, negatives[j])) / m;
            }
            return new DeLong(auc, variance(v10, auc) / m + variance(v01, auc) / n);
        }

        private static double variance(double[] values, double mean) {
            if (values.length < 2) {
                return 0;
            }
            double sum = 0;
            for (double v : values) {
                sum += (v - mean) * (v - mean);
            }
            return sum / (values.length - 1);
        }

        private static int countBelow(double[] sorted, double value) {
            int lo = 0;
            int hi = sorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] < value) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        private static int countEqual(double[] sorted, double value) {
            int below = countBelow(sorted, value);
            int k = below;
            while (k < sorted.length && sorted[k] == value) {
                k++;
            }
            return k - below;
        }
    }

    /** Indices of {@code scores} in descending order. */
    static Integer[] descending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        return order;
    }
}
