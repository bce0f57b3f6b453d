package org.cxrtriage.models.stats;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Threshold search: against an exact Markov-chain ARL, and against an independent simulation. */
class BernoulliCusumDesignTest {

    /**
     * With p0 = 0.2 and p1 = 0.8 the increments are ±ln 4, so S moves on the lattice k ln 4 as a
     * birth-death chain reflected at 0 (up with probability 0.2). The expected time d_i to climb from
     * level i to i + 1 is d_0 = 1/0.2 = 5 and d_i = (1 + 0.8 d_(i-1)) / 0.2, so the in-control ARL
     * to reach level k is 5, 30, 135, 560, 2265 for k = 1..5. A target of 500 needs level 4.
     */
    @Test
    void latticeChartGetsTheExactLevel() {
        BernoulliCusumDesign.Threshold threshold = BernoulliCusumDesign.forInControlArl(0.2, 0.8, 500, 4000, 7);

        assertEquals(4 * Math.log(4), threshold.threshold(), 1e-8);
        assertEquals(560, threshold.inControlArl(), 4 * threshold.standardError());
        assertTrue(threshold.standardError() < 15, "standard error " + threshold.standardError());
    }

    @Test
    void thresholdGivesTheTargetArlInAnIndependentSimulation() {
        double target = 300;
        BernoulliCusumDesign.Threshold threshold = BernoulliCusumDesign.forInControlArl(0.05, 0.10, target, 4000, 42);
        assertTrue(threshold.inControlArl() >= target);

        Random random = new Random(2024);
        int runs = 4000;
        double sum = 0;
        double sumSquares = 0;
        for (int r = 0; r < runs; r++) {
            BernoulliCusum chart = new BernoulliCusum(0.05, 0.10, threshold.threshold());
            while (!chart.signalling()) {
                chart.observe(random.nextDouble() < 0.05);
            }
            sum += chart.observations();
            sumSquares += (double) chart.observations() * chart.observations();
        }
        double mean = sum / runs;
        double standardError = Math.sqrt((sumSquares / runs - mean * mean) / runs);
        assertEquals(threshold.inControlArl(), mean, 4 * Math.hypot(standardError, threshold.standardError()),
                "independent ARL at h=" + threshold.threshold());
    }

    @Test
    void sameSeedSameThreshold() {
        assertEquals(BernoulliCusumDesign.forInControlArl(0.02, 0.05, 200, 500, 1),
                BernoulliCusumDesign.forInControlArl(0.02, 0.05, 200, 500, 1));
    }

    @Test
    void invalidRequestsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BernoulliCusumDesign.forInControlArl(0.1, 0.05, 100, 1000, 1));
        assertThrows(IllegalArgumentException.class, () -> BernoulliCusumDesign.forInControlArl(0.05, 0.1, 1, 1000, 1));
        assertThrows(IllegalArgumentException.class, () -> BernoulliCusumDesign.forInControlArl(0.05, 0.1, 100, 10, 1));
    }
}
