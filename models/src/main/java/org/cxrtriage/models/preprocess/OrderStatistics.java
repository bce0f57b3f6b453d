package org.cxrtriage.models.preprocess;

import java.util.Arrays;

/**
 * Percentiles of an image without sorting it: a selection (three-way partition around a
 * median-of-three pivot, so the many equal pixel values of a radiograph cost nothing) finds the two
 * ranks numpy's linear percentile interpolates between, in linear time. Values are ordered as
 * {@link Float#compare} orders them, which is the order {@link Arrays#sort(float[])} gives, so the
 * result is the value a sort would give, bit for bit. Ranges that stay stubborn fall back to a sort.
 */
final class OrderStatistics {

    /** Below this many values a sort is faster than partitioning. */
    private static final int SORT_BELOW = 32;

    private OrderStatistics() {
    }

    /**
     * numpy.percentile's default ("linear") of {@code values}, which are reordered (pass a copy).
     * {@code percent} is in [0, 100].
     */
    static double percentile(float[] values, double percent) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double position = percent / 100.0 * (values.length - 1);
        int below = (int) Math.floor(position);
        float low = select(values, below);
        if (below + 1 >= values.length) {
            return low;
        }
        // After selecting rank `below`, every value to its right ranks after it: the next rank is their minimum.
        float high = values[below + 1];
        for (int i = below + 2; i < values.length; i++) {
            if (Float.compare(values[i], high) < 0) {
                high = values[i];
            }
        }
        return low + (high - low) * (position - below);
    }

    /**
     * The value of rank {@code k} (0-based), with {@code values} partitioned around it: nothing
     * before index k ranks after it, nothing after ranks before it.
     */
    static float select(float[] values, int k) {
        int lo = 0;
        int hi = values.length - 1;
        int budget = 2 * (32 - Integer.numberOfLeadingZeros(values.length)) + 4;
        while (hi - lo >= SORT_BELOW) {
            if (budget-- == 0) {
                break;
            }
            float pivot = medianOfThree(values[lo], values[(lo + hi) >>> 1], values[hi]);
            int less = lo;
            int i = lo;
            int greater = hi;
            while (i <= greater) {
                int order = Float.compare(values[i], pivot);
                if (order < 0) {
                    swap(values, less++, i++);
                } else if (order > 0) {
                    swap(values, i, greater--);
                } else {
                    i++;
                }
            }
            if (k < less) {
                hi = less - 1;
            } else if (k > greater) {
                lo = greater + 1;
            } else {
                return values[k];
            }
        }
        Arrays.sort(values, lo, hi + 1);
        return values[k];
    }

    private static float medianOfThree(float a, float b, float c) {
        if (Float.compare(a, b) > 0) {
            float t = a;
            a = b;
            b = t;
        }
        if (Float.compare(b, c) > 0) {
            b = c;
        }
        return Float.compare(a, b) > 0 ? a : b;
    }

    private static void swap(float[] values, int i, int j) {
        float t = values[i];
        values[i] = values[j];
        values[j] = t;
    }
}
