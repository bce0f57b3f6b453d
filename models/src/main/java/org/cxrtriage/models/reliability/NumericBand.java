package org.cxrtriage.models.reliability;

import java.util.Arrays;

/**
 * The reference range of one numeric fact: from its 0.5th to its 99.5th reference percentile.
 * A value's exceedance is how far outside the range it lies, in units of the range's width (never
 * narrower than the fact's floor, so a constant reference does not make every change infinite),
 * divided by how far held-out reference values of this fact themselves stray (their 99.9th
 * percentile exceedance, at least {@link #MIN_TAIL}). So 1.0 means "as far out as the rarest
 * reference studies go" for every fact alike, whether its tails are light or heavy.
 *
 * @param low   0.5th percentile of the reference values
 * @param high  99.5th percentile of the reference values
 * @param scale max(high - low, floor), in the fact's unit
 * @param tail  held-out exceedance (in scales) at the 99.9th percentile, at least MIN_TAIL
 */
public record NumericBand(double low, double high, double scale, double tail) {

    static final double TAIL = 0.005;
    static final double TAIL_QUANTILE = 0.999;
    static final double MIN_TAIL = 0.05;

    /** The band of some reference values, with the tail still to be measured (1). */
    public static NumericBand of(double[] values, double floor) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double low = percentile(sorted, TAIL);
        double high = percentile(sorted, 1 - TAIL);
        return new NumericBand(low, high, Math.max(high - low, floor), 1);
    }

    NumericBand withTail(double heldOutTail) {
        return new NumericBand(low, high, scale, Math.max(MIN_TAIL, heldOutTail));
    }

    /** 0 inside the band, else the distance to it in scales, divided by tail; 0 for NaN (unknown). */
    public double exceedance(double value) {
        if (Double.isNaN(value)) {
            return 0;
        }
        return Math.max(0, Math.max(low - value, value - high)) / scale / tail;
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
