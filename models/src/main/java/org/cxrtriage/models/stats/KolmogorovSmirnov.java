package org.cxrtriage.models.stats;

import java.util.Arrays;

/**
 * The two-sample Kolmogorov-Smirnov test, two-sided, as scipy.stats.ks_2samp(a, b) with its
 * defaults (alternative='two-sided', method='auto'):
 * <ul>
 * <li>D is the largest distance between the right-continuous empirical CDFs, evaluated at every
 * observed value, so tied values (within or across samples) are stepped over together.</li>
 * <li>If both samples have at most {@value #EXACT_UP_TO} values the p-value is exact
 * ({@link SmirnovDistribution}) and D is reported as the exact multiple of 1/lcm(n1, n2).</li>
 * <li>Otherwise the p-value is P(D_n ≥ D) of the one-sample Kolmogorov distribution at
 * n = round(n1 n2 / (n1 + n2)), rounding halves to even ({@link KolmogorovDistribution}).</li>
 * </ul>
 * The p-value assumes continuous data; with ties it is conservative, as scipy's. Cost: sorting
 * both samples plus, for the exact p-value of unequal sizes, about 2 D n1 n2 steps.
 */
public final class KolmogorovSmirnov {

    /** Largest sample size for which the exact p-value is used, as scipy's MAX_AUTO_N. */
    public static final int EXACT_UP_TO = 10_000;

    private KolmogorovSmirnov() {
    }

    /**
     * Tests whether {@code window} and {@code reference} come from the same continuous distribution.
     * Neither array is modified. Each needs at least one value and no NaN (infinities are allowed).
     */
    public static KsResult twoSample(double[] window, double[] reference) {
        double[] a = sortedCopy("window", window);
        double[] b = sortedCopy("reference", reference);
        int n1 = a.length;
        int n2 = b.length;
        long g = SmirnovDistribution.gcd(n1, n2);
        long h = largestCdfDistance(a, b) / g;
        long lcm = n1 / g * n2;
        double statistic = (double) h / lcm;
        if (Math.max(n1, n2) <= EXACT_UP_TO) {
            return new KsResult(statistic, SmirnovDistribution.sf(n1, n2, h), n1, n2, KsResult.Method.EXACT);
        }
        int n = (int) Math.rint((double) n1 * n2 / ((double) n1 + n2));
        return new KsResult(statistic, KolmogorovDistribution.sf(n, statistic), n1, n2, KsResult.Method.ASYMPTOTIC);
    }

    /**
     * max |i n2 - j n1| over the positions after each distinct value, where i and j count the values
     * of a and b that are ≤ it; that is D · n1 · n2, an integer, so no rounding enters D. Once one
     * sample is used up the distance only shrinks, so the walk stops there.
     */
    private static long largestCdfDistance(double[] a, double[] b) {
        long n1 = a.length;
        long n2 = b.length;
        int i = 0;
        int j = 0;
        long largest = 0;
        while (i < n1 && j < n2) {
            double value = Math.min(a[i], b[j]);
            while (i < n1 && a[i] == value) {
                i++;
            }
            while (j < n2 && b[j] == value) {
                j++;
            }
            largest = Math.max(largest, Math.abs(i * n2 - j * n1));
        }
        return largest;
    }

    private static double[] sortedCopy(String name, double[] sample) {
        if (sample == null || sample.length == 0) {
            throw new IllegalArgumentException("the " + name + " sample is empty: the test needs at least one value in each");
        }
        double[] copy = sample.clone();
        for (double value : copy) {
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException("the " + name + " sample contains NaN: drop missing values before testing");
            }
        }
        Arrays.sort(copy);
        return copy;
    }
}
