package org.cxrtriage.models.stats;

import java.util.OptionalLong;

/**
 * An upper CUSUM for an increase of a Bernoulli rate (for example the radiologists' disagreement
 * rate with the model) from the in-control p0 to the out-of-control p1 > p0, after Reynolds and
 * Stoumbos (1999), "A CUSUM chart for monitoring a proportion when inspecting continuously",
 * J. Qual. Technol. 31(1).
 *
 * <p>Each observation x_t ∈ {0, 1} adds its log-likelihood ratio
 * w_t = x_t ln(p1/p0) + (1 - x_t) ln((1-p1)/(1-p0)), and S_t = max(0, S_(t-1) + w_t), S_0 = 0.
 * The chart signals at the first t with S_t ≥ h. The increments are used unscaled (Reynolds and
 * Stoumbos scale them to integers to tabulate run lengths; that changes the units of h, not the
 * chart). A signal does not reset the statistic: the chart keeps accumulating until
 * {@link #reset()}. Choose h with {@link BernoulliCusumDesign}.
 *
 * <p>Not thread-safe: one chart is fed by one monitoring task.
 */
public final class BernoulliCusum {

    private final double p0;
    private final double p1;
    private final double threshold;
    private final double eventIncrement;
    private final double nonEventIncrement;
    private double value;
    private long observations;
    private long firstSignal = -1;

    /** A chart for a shift from p0 to p1 (0 < p0 < p1 < 1) with decision threshold h > 0. */
    public BernoulliCusum(double p0, double p1, double threshold) {
        checkRates(p0, p1);
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold h must be positive and finite, got " + threshold);
        }
        this.p0 = p0;
        this.p1 = p1;
        this.threshold = threshold;
        this.eventIncrement = eventIncrement(p0, p1);
        this.nonEventIncrement = nonEventIncrement(p0, p1);
    }

    /** Feeds one observation (true = event, e.g. a disagreement) and returns the new S_t. */
    public double observe(boolean event) {
        value = step(value, event ? eventIncrement : nonEventIncrement);
        if (firstSignal < 0 && value >= threshold) {
            firstSignal = observations;
        }
        observations++;
        return value;
    }

    /** Feeds a sequence of observations in order and returns the path they produced. */
    public CusumPath observeAll(boolean[] events) {
        long start = observations;
        double[] path = new double[events.length];
        for (int i = 0; i < events.length; i++) {
            path[i] = observe(events[i]);
        }
        return new CusumPath(start, path, firstSignal);
    }

    /** The path of a fresh chart over {@code events}. */
    public static CusumPath run(double p0, double p1, double threshold, boolean[] events) {
        return new BernoulliCusum(p0, p1, threshold).observeAll(events);
    }

    /** The current S_t (0 before any observation). */
    public double value() {
        return value;
    }

    /** Whether the current S_t is at or above h. */
    public boolean signalling() {
        return value >= threshold;
    }

    /** Index (0-based) of the first observation at which S_t reached h since the last reset. */
    public OptionalLong firstSignal() {
        return firstSignal < 0 ? OptionalLong.empty() : OptionalLong.of(firstSignal);
    }

    /** Observations fed since construction or the last reset. */
    public long observations() {
        return observations;
    }

    /** Back to S = 0, no observations, no signal (after the cause of a signal was dealt with). */
    public void reset() {
        value = 0;
        observations = 0;
        firstSignal = -1;
    }

    public double p0() {
        return p0;
    }

    public double p1() {
        return p1;
    }

    public double threshold() {
        return threshold;
    }

    /** ln(p1/p0) > 0, the increment for an event. */
    static double eventIncrement(double p0, double p1) {
        return Math.log(p1 / p0);
    }

    /** ln((1-p1)/(1-p0)) < 0, the increment for a non-event. */
    static double nonEventIncrement(double p0, double p1) {
        return Math.log1p(-p1) - Math.log1p(-p0);
    }

    /** S_t from S_(t-1) and w_t; shared with the run-length simulation so both round alike. */
    static double step(double previous, double increment) {
        return Math.max(0, previous + increment);
    }

    static void checkRates(double p0, double p1) {
        if (!(p0 > 0 && p0 < p1 && p1 < 1)) {
            throw new IllegalArgumentException("need 0 < p0 < p1 < 1 (in-control rate below the rate to detect), got p0="
                    + p0 + ", p1=" + p1);
        }
    }
}
