package org.cxrtriage.models.stats;

/**
 * Log-gamma, regularised incomplete gamma and beta functions and the standard normal CDF and
 * quantile, in double precision, for arguments of the size monitoring produces (shape parameters
 * up to about 10^6).
 *
 * <p>Densities in the prefactors are computed in Loader's saddle-point form (Loader 2000, "Fast and
 * accurate computation of binomial probabilities"): a Stirling correction {@link #stirlingCorrection}
 * plus a deviance term {@link #deviance}, which keeps about 14 significant digits where the naive
 * {@code exp(a log x - x - logGamma(a))} loses several to cancellation when a is large. The
 * incomplete functions use a power series on one side of the mean and a continued fraction
 * evaluated with the modified Lentz method on the other (Press et al., Numerical Recipes, 6.2 and
 * 6.4), so the small tail is always computed directly, never as 1 minus something close to 1.
 */
final class SpecialFunctions {

    static final double LN_SQRT_2PI = 0.91893853320467274178;
    private static final double SQRT_2PI = 2.50662827463100050242;
    private static final double RELATIVE_EPSILON = 1e-16;
    private static final double TINY = 1e-300;
    private static final int MAX_ITERATIONS = 100_000;

    /** Stirling series coefficients B(2k) / (2k (2k - 1)) for k = 1..7. */
    private static final double[] STIRLING = {
        1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156};
    /** Below this the Stirling series is not used directly but reached by recurrence. */
    private static final double STIRLING_FROM = 15;

    private SpecialFunctions() {
    }

    /** ln Γ(x) for x > 0; absolute error below about 1e-14, relative below 1e-14 away from x = 1, 2. */
    static double logGamma(double x) {
        requirePositive("x", x);
        if (x >= STIRLING_FROM) {
            return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingSeries(x);
        }
        double product = 1;
        double shifted = x;
        while (shifted < STIRLING_FROM) {
            product *= shifted;
            shifted += 1;
        }
        return logGamma(shifted) - Math.log(product);
    }

    /**
     * δ(x) = ln Γ(x + 1) - (x + 1/2) ln x + x - ln √(2π), the error of Stirling's formula for x!;
     * x > 0. Below 15 it uses δ(x) = δ(x + 1) + (x + 1/2) ln(1 + 1/x) - 1, which has no cancellation.
     */
    static double stirlingCorrection(double x) {
        requirePositive("x", x);
        double sum = 0;
        double shifted = x;
        while (shifted < STIRLING_FROM) {
            sum += (shifted + 0.5) * Math.log1p(1 / shifted) - 1;
            shifted += 1;
        }
        return sum + stirlingSeries(shifted);
    }

    private static double stirlingSeries(double x) {
        double inverseSquare = 1 / (x * x);
        double sum = 0;
        for (int k = STIRLING.length - 1; k >= 0; k--) {
            sum = sum * inverseSquare + STIRLING[k];
        }
        return sum / x;
    }

    /**
     * The deviance x ln(x / m) + m - x (≥ 0, zero at x = m) for x ≥ 0, m > 0, by its series in
     * (x - m) / (x + m) when x is close to m, where the direct form cancels.
     */
    static double deviance(double x, double m) {
        if (x == 0) {
            return m;
        }
        if (Math.abs(x - m) >= 0.1 * (x + m)) {
            return x * Math.log(x / m) + m - x;
        }
        double v = (x - m) / (x + m);
        double sum = (x - m) * v;
        double term = 2 * x * v;
        double vSquare = v * v;
        for (int j = 1; j < MAX_ITERATIONS; j++) {
            term *= vSquare;
            double next = sum + term / (2 * j + 1);
            if (next == sum) {
                return sum;
            }
            sum = next;
        }
        throw new ArithmeticException("deviance series did not converge for x=" + x + ", m=" + m);
    }

    /** x^a e^-x / Γ(a + 1), the Poisson-like density, for a > 0, x ≥ 0. */
    static double poissonDensity(double a, double x) {
        return Math.exp(-stirlingCorrection(a) - deviance(a, x)) / Math.sqrt(2 * Math.PI * a);
    }

    /** Regularised lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), for a > 0 and x ≥ 0. */
    static double regularizedGammaP(double a, double x) {
        checkGammaArguments(a, x);
        if (x == 0) {
            return 0;
        }
        return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
    }

    /** Regularised upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) = 1 - P(a, x); the chi-square SF. */
    static double regularizedGammaQ(double a, double x) {
        checkGammaArguments(a, x);
        if (x == 0) {
            return 1;
        }
        return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
    }

    /** P(a, x) = x^a e^-x / Γ(a+1) · Σ x^k / ((a+1)...(a+k)); converges fast for x < a + 1. */
    private static double gammaSeries(double a, double x) {
        double term = 1;
        double sum = 1;
        for (int k = 1; k < MAX_ITERATIONS; k++) {
            term *= x / (a + k);
            sum += term;
            if (term < sum * RELATIVE_EPSILON) {
                return Math.min(1, poissonDensity(a, x) * sum);
            }
        }
        throw new ArithmeticException("incomplete gamma series did not converge for a=" + a + ", x=" + x);
    }

    /** Q(a, x) = x^a e^-x / Γ(a) · 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...))), for x ≥ a + 1. */
    private static double gammaContinuedFraction(double a, double x) {
        if (Double.isInfinite(x)) {
            return 0;
        }
        double denominator = x + 1 - a;
        double c = 1 / TINY;
        double d = 1 / denominator;
        double fraction = d;
        for (int i = 1; i < MAX_ITERATIONS; i++) {
            double numerator = -i * (i - a);
            denominator += 2;
            d = nonZero(numerator * d + denominator);
            c = nonZero(denominator + numerator / c);
            d = 1 / d;
            double delta = d * c;
            fraction *= delta;
            if (Math.abs(delta - 1) < RELATIVE_EPSILON) {
                return Math.min(1, a * poissonDensity(a, x) * fraction);
            }
        }
        throw new ArithmeticException("incomplete gamma fraction did not converge for a=" + a + ", x=" + x);
    }

    /** Regularised incomplete beta I_x(a, b) for 0 ≤ x ≤ 1, a > 0, b > 0. */
    static double regularizedBeta(double x, double a, double b) {
        requirePositive("a", a);
        requirePositive("b", b);
        if (!(x >= 0 && x <= 1)) {
            throw new IllegalArgumentException("incomplete beta needs 0 <= x <= 1, got " + x);
        }
        if (x == 0 || x == 1) {
            return x;
        }
        return x <= (a + 1) / (a + b + 2) ? betaContinuedFraction(x, a, b) : 1 - betaContinuedFraction(1 - x, b, a);
    }

    /**
     * I_x(a, b) by its continued fraction (terms d(2m+1) = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)),
     * d(2m) = m(b-m)x / ((a+2m-1)(a+2m))), which converges fast for x ≤ (a+1)/(a+b+2).
     */
    private static double betaContinuedFraction(double x, double a, double b) {
        double c = 1;
        double d = 1 / nonZero(1 - (a + b) * x / (a + 1));
        double fraction = d;
        for (int m = 1; m < MAX_ITERATIONS; m++) {
            double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 / nonZero(1 + even * d);
            c = nonZero(1 + even / c);
            fraction *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 / nonZero(1 + odd * d);
            c = nonZero(1 + odd / c);
            double delta = d * c;
            fraction *= delta;
            if (Math.abs(delta - 1) < RELATIVE_EPSILON) {
                return Math.min(1, betaPrefactor(x, a, b) * fraction);
            }
        }
        throw new ArithmeticException("incomplete beta fraction did not converge for x=" + x + ", a=" + a + ", b=" + b);
    }

    /** x^a (1-x)^b / (a B(a, b)), in Loader's form with n = a + b. */
    private static double betaPrefactor(double x, double a, double b) {
        double n = a + b;
        double exponent = stirlingCorrection(n) - stirlingCorrection(a) - stirlingCorrection(b)
                - deviance(a, x * n) - deviance(b, (1 - x) * n);
        return b / n * Math.sqrt(n / (2 * Math.PI * a * b)) * Math.exp(exponent);
    }

    /** Φ(x), the standard normal CDF, with full relative accuracy in the lower tail. */
    static double normalCdf(double x) {
        if (Double.isNaN(x)) {
            throw new IllegalArgumentException("normal CDF of NaN");
        }
        double half = 0.5 * regularizedGammaQ(0.5, x * x / 2);
        return x < 0 ? half : 1 - half;
    }

    /** Standard normal density φ(x). */
    static double normalDensity(double x) {
        return Math.exp(-x * x / 2) / SQRT_2PI;
    }

    /**
     * Φ⁻¹(p) for 0 < p < 1: a start from Abramowitz and Stegun 26.2.23 (error below 4.5e-4),
     * polished by Halley steps on Φ(x) - p in the lower tail (q = min(p, 1 - p), which is exact).
     */
    static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("normal quantile needs 0 < p < 1, got " + p);
        }
        if (p == 0.5) {
            return 0;
        }
        double q = Math.min(p, 1 - p);
        double t = Math.sqrt(-2 * Math.log(q));
        double x = -(t - (2.515517 + t * (0.802853 + t * 0.010328))
                / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
        for (int i = 0; i < 8; i++) {
            double ratio = (normalCdf(x) - q) / normalDensity(x);
            double step = ratio / (1 + x * ratio / 2);
            x -= step;
            if (Math.abs(step) <= 1e-15 * Math.abs(x)) {
                break;
            }
        }
        return p < 0.5 ? x : -x;
    }

    private static double nonZero(double value) {
        return Math.abs(value) < TINY ? TINY : value;
    }

    private static void checkGammaArguments(double a, double x) {
        requirePositive("a", a);
        if (!(x >= 0)) {
            throw new IllegalArgumentException("incomplete gamma needs x >= 0, got " + x);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive and finite, got " + value);
        }
    }
}
