package org.cxrtriage.models.stats;

/**
 * Exact binomial control limits for the number of events among the n studies of a window when
 * the in-control event rate is p0 (for example the rate of a positive finding, or of radiologist
 * disagreement), at a two-sided false-alarm probability alpha: 0.0027 is the usual 3-sigma
 * action band, 0.05 a warning band.
 *
 * <p>Conventions are those of scipy.stats.binom.ppf (smallest k with P(X ≤ k) ≥ q):
 * {@code lowerCount = ppf(alpha/2)} and {@code upperCount = ppf(1 - alpha/2)}; a count is
 * {@link #outside} when it is below lowerCount or above upperCount. So each side raises a false
 * alarm with probability at most alpha/2: P(X < lowerCount) < alpha/2 and P(X > upperCount) ≤ alpha/2.
 * Because counts are discrete the attained probabilities are usually well below alpha/2.
 *
 * @param n          studies in the window, ≥ 0
 * @param p0         in-control event rate, in [0, 1]
 * @param alpha      two-sided false-alarm probability, in (0, 1)
 * @param lowerCount the lowest count that is not a signal
 * @param upperCount the highest count that is not a signal
 */
public record BinomialControlLimits(long n, double p0, double alpha, long lowerCount, long upperCount) {

    public BinomialControlLimits {
        if (!(0 <= lowerCount && lowerCount <= upperCount && upperCount <= n)) {
            throw new IllegalArgumentException("limits must satisfy 0 <= lower <= upper <= n, got " + lowerCount + ", "
                    + upperCount + " for n=" + n + "; use BinomialControlLimits.of(n, p0, alpha)");
        }
    }

    /** The limits for a window of n studies at reference rate p0 and two-sided alpha. */
    public static BinomialControlLimits of(long n, double p0, double alpha) {
        BinomialDistribution.checkParameters(n, p0);
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha + " (0.0027 for 3 sigma)");
        }
        return new BinomialControlLimits(n, p0, alpha, BinomialDistribution.ppf(alpha / 2, n, p0),
                BinomialDistribution.ppf(1 - alpha / 2, n, p0));
    }

    /** Whether {@code count} events among the n studies lie outside the limits (a signal). */
    public boolean outside(long count) {
        if (count < 0 || count > n) {
            throw new IllegalArgumentException("count must be in [0, " + n + "], got " + count);
        }
        return count < lowerCount || count > upperCount;
    }

    /** The lower limit as a rate, lowerCount / n (NaN for an empty window). */
    public double lowerRate() {
        return (double) lowerCount / n;
    }

    /** The upper limit as a rate, upperCount / n (NaN for an empty window). */
    public double upperRate() {
        return (double) upperCount / n;
    }
}
