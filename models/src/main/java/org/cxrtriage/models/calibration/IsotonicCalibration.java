package org.cxrtriage.models.calibration;

import org.cxrtriage.models.manifest.ModelManifest.Activation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Isotonic regression: a non-decreasing map from the uncalibrated probability to the observed
 * frequency, fitted by pool-adjacent-violators and applied by linear interpolation between the
 * block centres (constant beyond the ends).
 */
public record IsotonicCalibration(double[] x, double[] y, Activation activation) implements Calibration {

    @Override
    public double probability(double raw) {
        double p = Logistic.toProbability(raw, activation);
        if (p <= x[0]) {
            return y[0];
        }
        if (p >= x[x.length - 1]) {
            return y[y.length - 1];
        }
        int hi = Arrays.binarySearch(x, p);
        if (hi >= 0) {
            return y[hi];
        }
        hi = -hi - 1;
        int lo = hi - 1;
        double fraction = (p - x[lo]) / (x[hi] - x[lo]);
        return y[lo] + fraction * (y[hi] - y[lo]);
    }

    public static IsotonicCalibration fit(double[] raw, int[] labels, Activation activation) {
        Integer[] order = new Integer[raw.length];
        double[] p = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            order[i] = i;
            p[i] = Logistic.toProbability(raw[i], activation);
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        List<double[]> blocks = new ArrayList<>();
        for (int index : order) {
            blocks.add(new double[] {p[index], labels[index], 1});
            while (blocks.size() > 1) {
                double[] last = blocks.get(blocks.size() - 1);
                double[] before = blocks.get(blocks.size() - 2);
                if (before[1] / before[2] <= last[1] / last[2]) {
                    break;
                }
                before[0] += last[0];
                before[1] += last[1];
                before[2] += last[2];
                blocks.remove(blocks.size() - 1);
            }
        }
        double[] x = new double[blocks.size()];
        double[] y = new double[blocks.size()];
        for (int k = 0; k < blocks.size(); k++) {
            double[] block = blocks.get(k);
            x[k] = block[0] / block[2];
            y[k] = block[1] / block[2];
        }
        return new IsotonicCalibration(x, y, activation);
    }
}
