package org.cxrtriage.models.reliability;

import java.util.Arrays;

/**
 * The reference range of one numeric fact: from its 0.5th to its 99.5th reference percentile.
 * A value's exceedance is how far outside the range it lies, in units of the range's width (never
 * narrower than the fact's floor, so a constant reference does not make every change infinite).
 *
 * @param low   0.5th percentile of the reference values
 * @param high  99.5th percentile of the reference values
 * @param scale max(high - low, floor): the unit of exceedance
 */
public record NumericBand(double low, double high, double scale) {

    static final double TAIL = 0.005;

    public static NumericBand of(double[] values, double floor) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double low = percentile(sorted, TAIL);
        double high = percentile(sorted, 1 - TAIL);
        return new NumericBand(low, high, Math.max(high - low, floor));
    }

    /** 0 inside the band, else the distance to it divided by scale; 0 for NaN (unknown). */
    public double exceedance(double value) {
        if (Double.isNaN(value)) {
            return 0;
        }
        return Math.max(0, Math.max(low - value, value - high)) / scale;
    }

    /** Linear interpolation between closest ranks (numpy's default) of a sorted array; fraction in [0, 1]. */
    static double percentile(double[] sorted, double fraction) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double position = fraction * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
