package org.cxrtriage.models.stats;

/**
 * The Wilson score interval for a proportion (Wilson 1927), as statsmodels'
 * proportion_confint(k, n, alpha, method='wilson'): with z = Φ⁻¹(1 - alpha/2) and p̂ = k/n,
 * centre (p̂ + z²/2n) / (1 + z²/n) and half-width z √(p̂(1-p̂)/n + z²/4n²) / (1 + z²/n).
 * The bounds are clipped to [0, 1] (they can fall outside by a rounding when k = 0 or k = n).
 * With n = 0 there is no information and the interval is [0, 1].
 *
 * @param successes  k, in [0, n]
 * @param trials     n, ≥ 0
 * @param confidence 1 - alpha, in (0, 1)
 * @param lower      lower bound of the rate, in [0, 1]
 * @param upper      upper bound of the rate, in [lower, 1]
 */
public record WilsonInterval(long successes, long trials, double confidence, double lower, double upper) {

    /** The usual confidence level. */
    public static final double DEFAULT_CONFIDENCE = 0.95;

    /** The 95% interval for k successes in n trials. */
    public static WilsonInterval of(long successes, long trials) {
        return of(successes, trials, DEFAULT_CONFIDENCE);
    }

    /** The interval for k successes in n trials at the given confidence level. */
    public static WilsonInterval of(long successes, long trials, double confidence) {
        if (trials < 0 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("need 0 <= successes <= trials, got " + successes + " of " + trials);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence + " (0.95 for 95%)");
        }
        if (trials == 0) {
            return new WilsonInterval(0, 0, confidence, 0, 1);
        }
        double z = SpecialFunctions.normalQuantile(1 - (1 - confidence) / 2);
        double n = trials;
        double rate = successes / n;
        double zSquare = z * z;
        double denominator = 1 + zSquare / n;
        double centre = (rate + zSquare / (2 * n)) / denominator;
        double halfWidth = z * Math.sqrt(rate * (1 - rate) / n + zSquare / (4 * n * n)) / denominator;
        return new WilsonInterval(successes, trials, confidence, Math.max(0, centre - halfWidth),
                Math.min(1, centre + halfWidth));
    }
}
