package org.cxrtriage.models.calibration;

import org.cxrtriage.models.manifest.ModelManifest.Activation;
import org.cxrtriage.models.manifest.ModelManifest.CalibrationMethod;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The calibrator moved out of CalibrateCommand gives exactly what the command computed before the
 * move. The expected values were printed by the command's fitting code as it was at commit
 * a764012 (CalibrateCommand.fit), run on the same generated data.
 */
class CalibratorTest {

    /** 300 studies, 30 % positive, logits N(1.2, noise) for positives and N(-1, noise) for negatives. */
    private static double[] data(long seed, double noise, int[] truth) {
        Random random = new Random(seed);
        double[] raw = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = random.nextDouble() < 0.3 ? 1 : 0;
            raw[i] = (truth[i] == 1 ? 1.2 : -1.0) + random.nextGaussian() * noise;
        }
        return raw;
    }

    @Test
    void criticalFindingMatchesThePreMoveCommand() {
        int[] truth = new int[300];
        double[] raw = data(11, 1.0, truth);

        Calibrator.Result result = new Calibrator(Activation.LOGITS, 5).fit(raw, truth, 0.95, "cal-x", "test");

        assertEquals(CalibrationMethod.PLATT, result.calibration().method());
        assertEquals(1.987267454269518, result.calibration().a(), 0);
        assertEquals(-1.135198650432455, result.calibration().b(), 0);
        assertEquals(0.10956347038645747, result.operatingPoint().threshold(), 0);
        assertEquals(0.95, result.operatingPoint().sensitivity(), 0);
        assertEquals(List.of(0.8783772379535698, 0.9803864454644556), result.operatingPoint().sensitivityCi95());
        assertEquals(0.7045454545454546, result.operatingPoint().specificity(), 0);
        assertEquals(List.of(0.6411629192622811, 0.7609073695669816), result.operatingPoint().specificityCi95());
        assertEquals(80, result.operatingPoint().positives());
        assertEquals(220, result.operatingPoint().negatives());
        assertEquals(0.2890709151471263, result.choice().plattLogLoss(), 0);
        assertEquals(0.6138095311799039, result.choice().isotonicLogLoss(), 0);
        assertEquals("cal-x", result.calibration().version());
    }

    @Test
    void nonCriticalFindingMatchesThePreMoveCommand() {
        int[] truth = new int[300];
        double[] raw = data(12, 0.7, truth);

        Calibrator.Result result = new Calibrator(Activation.LOGITS, 5).fit(raw, truth, 0.80, "cal-y", "test");

        assertEquals(3.7173464660550937, result.calibration().a(), 0);
        assertEquals(-0.9895147153514496, result.calibration().b(), 0);
        assertEquals(0.7612866201519899, result.operatingPoint().threshold(), 0);
        assertEquals(0.8064516129032258, result.operatingPoint().sensitivity(), 0);
        assertEquals(0.9903381642512077, result.operatingPoint().specificity(), 0);
        assertEquals(List.of(0.71467528088567, 0.8739156046103633), result.operatingPoint().sensitivityCi95());
        assertEquals(93, result.operatingPoint().positives());
    }

    @Test
    void tooFewPositivesAreNamedAndRefused() {
        int[] truth = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertEquals("needs at least 5 positive and 5 negative studies (has 2 and 10)",
                Calibrator.insufficient(truth).orElseThrow());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new Calibrator(Activation.LOGITS, 5).fit(new double[12], truth, 0.95, "v", "t"));
        assertTrue(error.getMessage().contains("has 2 and 10"));
    }
}
