package org.cxrtriage.models.stats;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * {@code ./cxr-triage bench stats}: milliseconds per call of each monitoring statistic at the sizes
 * the monitoring service meets, and for the Kolmogorov-Smirnov test the ratio to only sorting the
 * two samples (the floor of any implementation), measured in the same run. Median of -Drounds calls.
 */
public final class StatsBenchmark {

    private StatsBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = Integer.getInteger("rounds", 30);
        SplittableRandom random = new SplittableRandom(1);
        System.out.printf("%-34s %10s %12s %10s %8s%n", "Kolmogorov-Smirnov (n1 vs n2, shift)", "method", "ms/call",
                "sort ms", "ratio");
        int[][] sizes = {{500, 5000}, {1000, 5000}, {3000, 5000}, {5000, 5000}, {2000, 10000}, {3000, 50000}, {9000, 10000}};
        for (int[] size : sizes) {
            for (double shift : new double[] {0, 0.05, 0.5}) {
                double[] a = uniform(random, size[0], shift);
                double[] b = uniform(random, size[1], 0);
                KsResult result = KolmogorovSmirnov.twoSample(a, b);
                double test = median(rounds, () -> KolmogorovSmirnov.twoSample(a, b));
                double sort = median(rounds, () -> {
                    double[] x = a.clone();
                    double[] y = b.clone();
                    Arrays.sort(x);
                    Arrays.sort(y);
                    return y;
                });
                System.out.printf("%-34s %10s %12.3f %10.3f %8.1f   D=%.4f p=%.3g%n",
                        size[0] + " vs " + size[1] + ", " + shift, result.method(), test, sort, test / sort,
                        result.statistic(), result.pValue());
            }
        }
        Map<String, Long> window = new HashMap<>();
        Map<String, Long> reference = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            window.put("c" + i, (long) random.nextInt(1, 200));
            reference.put("c" + i, (long) random.nextInt(1, 5000));
        }
        System.out.printf("%-34s %23.3f%n", "chi-square, 40 categories", median(rounds, () -> ChiSquare.homogeneity(window, reference, 5)));
        System.out.printf("%-34s %23.3f%n", "binomial limits, n=5000", median(rounds, () -> BinomialControlLimits.of(5000, 0.03, 0.0027)));
        System.out.printf("%-34s %23.3f%n", "binomial limits, n=100000", median(rounds, () -> BinomialControlLimits.of(100000, 0.03, 0.0027)));
        System.out.printf("%-34s %23.3f%n", "binomial test, n=100000", median(rounds, () -> BinomialTest.twoSidedPValue(3150, 100000, 0.03)));
        System.out.printf("%-34s %23.3f%n", "Wilson interval", median(rounds, () -> WilsonInterval.of(37, 1000)));
        boolean[] events = new boolean[1_000_000];
        for (int i = 0; i < events.length; i++) {
            events[i] = random.nextDouble() < 0.05;
        }
        System.out.printf("%-34s %23.3f%n", "CUSUM, 10^6 observations", median(rounds, () -> BernoulliCusum.run(0.05, 0.1, 5, events)));
        System.out.printf("%-34s %23.3f%n", "CUSUM design, ARL0 1000, 2500 runs",
                median(Math.min(rounds, 5), () -> BernoulliCusumDesign.forInControlArl(0.05, 0.1, 1000, 2500, 1)));
    }

    private static double[] uniform(SplittableRandom random, int size, double shift) {
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextDouble() + shift;
        }
        return values;
    }

    /** Median wall time in milliseconds, after as many warm-up calls. */
    private static double median(int rounds, Supplier<?> call) {
        double[] times = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            call.get();
        }
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            call.get();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(times);
        return times[rounds / 2];
    }
}
