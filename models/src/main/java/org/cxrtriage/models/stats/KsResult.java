package org.cxrtriage.models.stats;

/**
 * A two-sample Kolmogorov-Smirnov test result.
 *
 * @param statistic D = sup |F1(x) - F2(x)| between the two empirical CDFs, in [0, 1]
 * @param pValue    two-sided p-value under the null hypothesis of one continuous distribution
 * @param n1        size of the first sample (the window)
 * @param n2        size of the second sample (the reference)
 * @param method    how the p-value was computed
 */
public record KsResult(double statistic, double pValue, int n1, int n2, Method method) {

    /** The p-value computation, chosen as scipy's ks_2samp(method='auto') chooses it. */
    public enum Method {
        /** Exact null distribution of the two-sample statistic; both samples of at most 10,000. */
        EXACT,
        /** One-sample Kolmogorov distribution at n = round(n1 n2 / (n1 + n2)); a larger sample. */
        ASYMPTOTIC
    }
}
