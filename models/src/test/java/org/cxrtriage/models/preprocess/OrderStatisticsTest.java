package org.cxrtriage.models.preprocess;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Selection gives exactly what sorting gives: every rank of arrays shaped like images (few distinct
 * values, long runs, negative zero, extremes, already sorted or reversed), and numpy's linear
 * percentile at the levels the manifests use.
 */
class OrderStatisticsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 31, 32, 33, 100, 1000, 50_176})
    void everyRankMatchesASort(int length) {
        Random random = new Random(length);
        for (float[] values : shapes(length, random)) {
            float[] sorted = values.clone();
            Arrays.sort(sorted);
            int step = Math.max(1, length / 97);
            for (int k = 0; k < length; k += step) {
                float[] scratch = values.clone();
                assertEquals(Float.floatToIntBits(sorted[k]), Float.floatToIntBits(OrderStatistics.select(scratch, k)),
                        "rank " + k + " of " + length);
                for (int i = 0; i < k; i++) {
                    assertTrue(Float.compare(scratch[i], sorted[k]) <= 0);
                }
                for (int i = k + 1; i < length; i++) {
                    assertTrue(Float.compare(scratch[i], sorted[k]) >= 0);
                }
            }
            for (double percent : new double[] {0, 0.5, 1, 2.5, 50, 97.5, 99, 99.5, 100}) {
                assertEquals(sortedPercentile(sorted, percent), OrderStatistics.percentile(values.clone(), percent), 0.0,
                        percent + " % of " + length);
            }
        }
    }

    private static void assertTrue(boolean condition) {
        org.junit.jupiter.api.Assertions.assertTrue(condition, "not partitioned around the selected rank");
    }

    /** The definition: numpy's linear interpolation between the two nearest ranks of the sorted values. */
    private static double sortedPercentile(float[] sorted, double percent) {
        double position = percent / 100.0 * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }

    private static float[][] shapes(int length, Random random) {
        float[] uniform = new float[length];
        float[] fewLevels = new float[length];
        float[] runs = new float[length];
        float[] signedZeros = new float[length];
        for (int i = 0; i < length; i++) {
            uniform[i] = random.nextFloat() * 4095;
            fewLevels[i] = random.nextInt(4) * 1000f;
            runs[i] = (i / 64) % 3 == 0 ? 0f : 4095f;
            signedZeros[i] = switch (random.nextInt(4)) {
                case 0 -> -0.0f;
                case 1 -> 0.0f;
                case 2 -> -Float.MAX_VALUE;
                default -> Float.MAX_VALUE;
            };
        }
        float[] ascending = uniform.clone();
        Arrays.sort(ascending);
        float[] descending = new float[length];
        for (int i = 0; i < length; i++) {
            descending[i] = ascending[length - 1 - i];
        }
        float[] constant = new float[length];
        Arrays.fill(constant, 512f);
        return new float[][] {uniform, fewLevels, runs, signedZeros, ascending, descending, constant};
    }
}
