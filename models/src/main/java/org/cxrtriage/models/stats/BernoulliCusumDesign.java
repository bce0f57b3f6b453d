package org.cxrtriage.models.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Chooses the threshold h of a {@link BernoulliCusum} for a target in-control average run length
 * (ARL0, the mean number of observations until a false alarm when the rate stays at p0), by
 * simulation with a fixed seed, so the same inputs always give the same h.
 *
 * <p>Method: R in-control paths are simulated, each from its own stream split from a
 * SplittableRandom with the seed (whose algorithm is specified, so the same on every JVM). S_t does
 * not depend on h, so each path is run once, up to a cap, keeping its record highs (time, value);
 * the run length for any h up to the cap is then the time of the first record ≥ h. The cap starts
 * at ln(p1/p0) and rises in quarter steps, the paths continuing where they stopped, until the mean
 * run length at the cap reaches the target. The estimated ARL is a non-decreasing step function of
 * h that changes only at record values, so the answer is the smallest record value v with
 * ARL(v) ≥ target, returned as h = v - 1e-9 so that the live chart, whose S_t may differ from v
 * in the last bits, signals at the same step. (In truth ARL0 ≥ e^h for a likelihood-ratio CUSUM,
 * Wald's inequality on each excursion, so the cap never needs to pass ln(target) by much.)
 *
 * <p>Precision: run lengths are roughly geometric, so the estimate's standard error is about
 * ARL/√R (2% at R = 2,500). Cost: about R × ARL0 random draws (2,500 × 1,000 is some tens of ms).
 */
public final class BernoulliCusumDesign {

    private static final double LEVEL_TOLERANCE = 1e-9;
    /** The cap rises by this share of ln(p1/p0) until the ARL at the cap reaches the target. */
    private static final double CAP_STEP = 0.25;

    private BernoulliCusumDesign() {
    }

    /**
     * The chosen threshold.
     *
     * @param threshold     h for {@link BernoulliCusum}
     * @param inControlArl  estimated in-control ARL at h, ≥ the target
     * @param standardError standard error of that estimate
     * @param runs          number of simulated paths
     * @param seed          the simulation's seed
     */
    public record Threshold(double threshold, double inControlArl, double standardError, int runs, long seed) {
    }

    /**
     * The smallest h whose simulated in-control ARL reaches {@code targetArl} (> 1), for a chart
     * from p0 to p1, using {@code runs} simulated paths (≥ 100) from {@code seed}.
     */
    public static Threshold forInControlArl(double p0, double p1, double targetArl, int runs, long seed) {
        BernoulliCusum.checkRates(p0, p1);
        if (!(targetArl > 1) || Double.isInfinite(targetArl)) {
            throw new IllegalArgumentException("target in-control ARL must be > 1 and finite, got " + targetArl);
        }
        if (runs < 100) {
            throw new IllegalArgumentException("need at least 100 simulated runs for a usable estimate, got " + runs);
        }
        double up = BernoulliCusum.eventIncrement(p0, p1);
        double down = BernoulliCusum.nonEventIncrement(p0, p1);
        SplittableRandom random = new SplittableRandom(seed);
        Records[] paths = new Records[runs];
        for (int r = 0; r < runs; r++) {
            paths[r] = new Records(random.split());
        }
        double cap = up;
        while (true) {
            for (Records path : paths) {
                path.extendTo(cap, p0, up, down);
            }
            if (meanRunLength(paths, cap) >= targetArl) {
                break;
            }
            if (cap > Math.log(targetArl) + 10 * up) {
                throw new IllegalStateException("no threshold up to " + cap + " reached an in-control ARL of " + targetArl
                        + " for p0=" + p0 + ", p1=" + p1 + "; this cannot happen unless the simulation is broken");
            }
            cap += CAP_STEP * up;
        }
        double[] levels = levels(paths);
        int low = 0;
        int high = levels.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (meanRunLength(paths, levels[middle]) >= targetArl) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        double h = levels[low];
        double mean = meanRunLength(paths, h);
        double sumSquares = 0;
        for (Records path : paths) {
            double d = path.runLength(h) - mean;
            sumSquares += d * d;
        }
        return new Threshold(h, mean, Math.sqrt(sumSquares / (runs - 1) / runs), runs, seed);
    }

    /**
     * The candidate thresholds: distinct record values, each less the tolerance, up to the lowest
     * final record of any path (so every path has a run length for every candidate). That bound is
     * at least the cap, and at least the smallest record above the cap, so the answer is included.
     */
    private static double[] levels(Records[] paths) {
        int count = 0;
        double reachedByAll = Double.POSITIVE_INFINITY;
        for (Records path : paths) {
            count += path.size;
            reachedByAll = Math.min(reachedByAll, path.best);
        }
        double[] values = new double[count];
        int next = 0;
        for (Records path : paths) {
            System.arraycopy(path.values, 0, values, next, path.size);
            next += path.size;
        }
        Arrays.sort(values);
        double[] levels = new double[count];
        int distinct = 0;
        for (double value : values) {
            double level = value - LEVEL_TOLERANCE;
            if (value <= reachedByAll && (distinct == 0 || level > levels[distinct - 1] + LEVEL_TOLERANCE)) {
                levels[distinct++] = level;
            }
        }
        return Arrays.copyOf(levels, distinct);
    }

    private static double meanRunLength(Records[] paths, double h) {
        double sum = 0;
        for (Records path : paths) {
            sum += path.runLength(h);
        }
        return sum / paths.length;
    }

    /**
     * One in-control path, drawn from its own random stream, and its record highs: S first exceeded
     * every earlier value at times[i], with values[i]. It can be extended to a higher cap later.
     */
    private static final class Records {
        private final SplittableRandom random;
        private long[] times = new long[16];
        private double[] values = new double[16];
        private int size;
        private long time;
        private double s;
        private double best;

        Records(SplittableRandom random) {
            this.random = random;
        }

        void extendTo(double cap, double p0, double up, double down) {
            while (best < cap) {
                time++;
                s = BernoulliCusum.step(s, random.nextDouble() < p0 ? up : down);
                if (s > best) {
                    best = s;
                    add(time, s);
                }
            }
        }

        private void add(long at, double value) {
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            times[size] = at;
            values[size++] = value;
        }

        /** The first time S ≥ h; h must not exceed the last record. */
        long runLength(double h) {
            int index = Arrays.binarySearch(values, 0, size, h);
            return times[index >= 0 ? index : -index - 1];
        }
    }
}
