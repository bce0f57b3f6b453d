package org.cxrtriage.models.stats;

/**
 * The binomial distribution Bin(n, p): probability mass, both tails and the quantile, with the
 * conventions of scipy.stats.binom (cdf(k) = P(X ≤ k), sf(k) = P(X > k), ppf(q) = the smallest k with
 * cdf(k) ≥ q). Both tails are computed directly through the regularised incomplete beta function,
 * so a tail probability of 1e-200 keeps its relative accuracy.
 */
final class BinomialDistribution {

    private BinomialDistribution() {
    }

    /**
     * P(X = k) for 0 ≤ k ≤ n, 0 ≤ p ≤ 1, in Loader's saddle-point form; relative error about 1e-14.
     * n is a double so that the Kolmogorov code can pass large sample sizes; it must be integral.
     */
    static double pmf(double k, double n, double p) {
        if (k < 0 || k > n) {
            return 0;
        }
        if (p == 0) {
            return k == 0 ? 1 : 0;
        }
        if (p == 1) {
            return k == n ? 1 : 0;
        }
        if (k == 0) {
            return Math.exp(n * Math.log1p(-p));
        }
        if (k == n) {
            return Math.exp(n * Math.log(p));
        }
        double exponent = SpecialFunctions.stirlingCorrection(n) - SpecialFunctions.stirlingCorrection(k)
                - SpecialFunctions.stirlingCorrection(n - k)
                - SpecialFunctions.deviance(k, n * p) - SpecialFunctions.deviance(n - k, n * (1 - p));
        return Math.sqrt(n / (2 * Math.PI * k * (n - k))) * Math.exp(exponent);
    }

    /** P(X ≤ k); 0 for k < 0 and 1 for k ≥ n. */
    static double cdf(long k, long n, double p) {
        checkParameters(n, p);
        if (k < 0) {
            return 0;
        }
        if (k >= n) {
            return 1;
        }
        if (p == 0 || p == 1) {
            return p == 0 ? 1 : 0;
        }
        return SpecialFunctions.regularizedBeta(1 - p, n - k, k + 1.0);
    }

    /** P(X > k); 1 for k < 0 and 0 for k ≥ n. */
    static double sf(long k, long n, double p) {
        checkParameters(n, p);
        if (k < 0) {
            return 1;
        }
        if (k >= n) {
            return 0;
        }
        if (p == 0 || p == 1) {
            return p == 0 ? 0 : 1;
        }
        return SpecialFunctions.regularizedBeta(p, k + 1.0, n - k);
    }

    /**
     * The smallest k in [0, n] with P(X ≤ k) ≥ q, for 0 < q < 1, as scipy.stats.binom.ppf. For
     * q > 1/2 the test is done on the upper tail, P(X > k) ≤ 1 - q, which is the same condition
     * computed without cancellation.
     */
    static long ppf(double q, long n, double p) {
        checkParameters(n, p);
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("binomial quantile needs 0 < q < 1, got " + q);
        }
        long low = 0;
        long high = n;
        while (low < high) {
            long middle = (low + high) >>> 1;
            boolean reached = q <= 0.5 ? cdf(middle, n, p) >= q : sf(middle, n, p) <= 1 - q;
            if (reached) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    static void checkParameters(long n, double p) {
        if (n < 0) {
            throw new IllegalArgumentException("number of trials must be >= 0, got " + n);
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        }
    }
}
