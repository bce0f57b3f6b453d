package org.cxrtriage.models.calibration;

import org.cxrtriage.models.manifest.ModelManifest.Activation;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibrationMathTest {

    /** Logits z ~ N(0, 2), outcomes drawn with probability sigmoid(a z + b). */
    private static double[][] simulate(double a, double b, int n, long seed) {
        Random random = new Random(seed);
        double[] z = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = random.nextGaussian() * 2;
            y[i] = random.nextDouble() < Logistic.sigmoid(a * z[i] + b) ? 1 : 0;
        }
        return new double[][] {z, y};
    }

    private static int[] labels(double[] y) {
        int[] labels = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            labels[i] = (int) y[i];
        }
        return labels;
    }

    @Test
    void plattRecoversKnownParameters() {
        double[][] data = simulate(0.6, -1.2, 40_000, 1);

        PlattCalibration fit = PlattCalibration.fit(data[0], labels(data[1]), Activation.LOGITS);

        assertEquals(0.6, fit.a(), 0.03);
        assertEquals(-1.2, fit.b(), 0.05);
    }

    @Test
    void isotonicIsMonotoneAndPassesThroughBlockMeans() {
        double[][] data = simulate(1.5, 0.3, 5_000, 2);
        IsotonicCalibration fit = IsotonicCalibration.fit(data[0], labels(data[1]), Activation.LOGITS);

        double previous = -1;
        for (double z = -8; z <= 8; z += 0.01) {
            double p = fit.probability(z);
            assertTrue(p >= previous - 1e-12, "non-decreasing at " + z);
            assertTrue(p >= 0 && p <= 1);
            previous = p;
        }
        IsotonicCalibration tiny = IsotonicCalibration.fit(new double[] {0.1, 0.2, 0.3, 0.4},
                new int[] {0, 1, 0, 1}, Activation.PROBABILITIES);
        assertEquals(0.0, tiny.probability(0.1), 1e-12);
        assertEquals(0.5, tiny.probability(0.25), 1e-12, "the violating pair pools to its mean");
        assertEquals(1.0, tiny.probability(0.4), 1e-12);
    }

    @Test
    void eceAndBrierMatchHandComputedValues() {
        double[] p = {0.05, 0.15, 0.85, 0.95, 0.55};
        int[] y = {0, 1, 1, 1, 0};
        // bins of width 0.5 (2 bins): [0.05, 0.15] -> |0.2 - 1| ; [0.85, 0.95, 0.55] -> |2.35 - 2|
        assertEquals((0.8 + 0.35) / 5, Metrics.expectedCalibrationError(p, y, 2), 1e-12);
        assertEquals((0.0025 + 0.7225 + 0.0225 + 0.0025 + 0.3025) / 5, Metrics.brier(p, y), 1e-12);
    }

    @Test
    void aucCountsTiesAsHalfAndHasACi() {
        double[] scores = {0.1, 0.4, 0.35, 0.8, 0.4};
        int[] labels = {0, 0, 1, 1, 1};
        // positives 0.35, 0.8, 0.4 vs negatives 0.1, 0.4: (1 + 0) + (1 + 1) + (1 + 0.5) = 4.5 of 6
        assertEquals(0.75, Metrics.auc(scores, labels), 1e-12);
        double[] withCi = Metrics.aucWithCi(scores, labels);
        assertTrue(withCi[1] < 0.75 && withCi[2] > 0.75);
    }

    @Test
    void wilsonIntervalMatchesTheTextbookValue() {
        double[] ci = Metrics.wilson(81, 100);
        assertEquals(0.7222, ci[0], 1e-4);
        assertEquals(0.8749, ci[1], 1e-4);
    }

    @Test
    void thresholdMeetsTheTargetSensitivityOnTheFittingData() {
        double[][] data = simulate(1.0, -2.0, 3_000, 3);
        int[] labels = labels(data[1]);
        double[] p = new double[labels.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Logistic.sigmoid(data[0][i]);
        }

        double threshold = ThresholdSelector.forSensitivity(p, labels, 0.95);
        ThresholdSelector.Performance at = ThresholdSelector.evaluate(p, labels, threshold);

        assertTrue(at.sensitivity() >= 0.95, "sensitivity " + at.sensitivity());
        double[] sorted = p.clone();
        java.util.Arrays.sort(sorted);
        double lowestCaught = java.util.Arrays.stream(sorted).filter(v -> v >= threshold).min().orElseThrow();
        ThresholdSelector.Performance withoutIt = ThresholdSelector.evaluate(p, labels, Math.nextUp(lowestCaught));
        assertTrue(withoutIt.sensitivity() < 0.95, "no higher threshold reaches the target");
    }

    @Test
    void onSeparableDataTheThresholdSitsInTheGapNotOnTheEdge() {
        double[] p = {0.01, 0.02, 0.03, 0.97, 0.98, 0.99};
        int[] labels = {0, 0, 0, 1, 1, 1};
        assertEquals(0.5, ThresholdSelector.forSensitivity(p, labels, 0.95), 1e-12);
    }

    @Test
    void fitterKeepsPlattOnSeparableDataWhereIsotonicWouldOverfit() {
        double[] z = new double[200];
        int[] labels = new int[200];
        for (int i = 0; i < 200; i++) {
            labels[i] = i % 2;
            z[i] = labels[i] == 1 ? 20 + i * 0.1 : -20 - i * 0.1;
        }
        CalibrationFitter.Choice choice = CalibrationFitter.fit(z, labels, Activation.LOGITS, 5, 1);
        assertEquals(CalibrationFitter.Method.PLATT, choice.method());
        assertTrue(choice.calibration().probability(5.0) > 0.5, "a positive less extreme than any seen is still positive");
    }

    @Test
    void fitterPrefersPlattWhenTheTruthIsLogistic() {
        double[][] data = simulate(0.5, 0.5, 4_000, 4);
        CalibrationFitter.Choice choice = CalibrationFitter.fit(data[0], labels(data[1]), Activation.LOGITS, 5, 9);
        assertEquals(CalibrationFitter.Method.PLATT, choice.method());
        assertTrue(choice.plattLogLoss() <= choice.isotonicLogLoss());
    }
}
