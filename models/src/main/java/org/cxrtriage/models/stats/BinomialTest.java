package org.cxrtriage.models.stats;

/**
 * The exact two-sided binomial test, as scipy.stats.binomtest(k, n, p).pvalue: the probability,
 * under Bin(n, p), of every outcome no more likely than the one observed. As in scipy an outcome
 * counts as "no more likely" when its probability is at most (1 + 1e-7) times the observed one,
 * so that outcomes of equal probability are not lost to rounding.
 */
public final class BinomialTest {

    private static final double RELATIVE_TIE = 1 + 1e-7;

    private BinomialTest() {
    }

    /** Two-sided p-value for k events in n trials at event rate p; 0 ≤ k ≤ n, n ≥ 1, 0 ≤ p ≤ 1. */
    public static double twoSidedPValue(long k, long n, double p) {
        BinomialDistribution.checkParameters(n, p);
        if (n < 1 || k < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= k <= n and n >= 1, got k=" + k + ", n=" + n);
        }
        double mean = n * p;
        if (k == mean) {
            return 1;
        }
        double limit = BinomialDistribution.pmf(k, n, p) * RELATIVE_TIE;
        double pValue;
        if (k < mean) {
            long first = firstAtOrBelow(limit, (long) Math.ceil(mean), n, n, p, true);
            pValue = BinomialDistribution.cdf(k, n, p) + BinomialDistribution.sf(first - 1, n, p);
        } else {
            long last = firstAtOrBelow(limit, (long) Math.floor(mean), 0, n, p, false);
            pValue = BinomialDistribution.cdf(last, n, p) + BinomialDistribution.sf(k - 1, n, p);
        }
        return Math.min(1, pValue);
    }

    /**
     * On the far side of the mode, where the mass function is monotone, the outcome nearest to the
     * mode whose probability is ≤ limit: searched from {@code from} (at the mode) towards {@code to}
     * (n when upwards, 0 when downwards). Returns one step past {@code to} if there is none.
     */
    private static long firstAtOrBelow(double limit, long from, long to, long n, double p, boolean upwards) {
        long near = from;
        long far = to;
        long none = upwards ? to + 1 : to - 1;
        if (BinomialDistribution.pmf(far, n, p) > limit) {
            return none;
        }
        while (near != far) {
            long middle = upwards ? (near + far) >>> 1 : (near + far + 1) >>> 1;
            if (BinomialDistribution.pmf(middle, n, p) <= limit) {
                far = middle;
            } else {
                near = upwards ? middle + 1 : middle - 1;
            }
        }
        return near;
    }
}
