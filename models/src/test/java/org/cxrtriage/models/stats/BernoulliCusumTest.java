package org.cxrtriage.models.stats;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.OptionalLong;

import static org.cxrtriage.models.stats.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CUSUM recursion against hand-computed paths and the script's own loop. */
class BernoulliCusumTest {

    private static final double UP = Math.log(2);          // ln(0.2 / 0.1)
    private static final double DOWN = Math.log(0.8 / 0.9); // -0.117783...

    static List<Arguments> sequences() {
        return Reference.cases("cusum");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void pathMatchesTheScript(String label, JsonNode c) {
        String events = c.get("events").asText();
        boolean[] observations = new boolean[events.length()];
        for (int i = 0; i < observations.length; i++) {
            observations[i] = events.charAt(i) == '1';
        }

        CusumPath path = BernoulliCusum.run(c.get("p0").asDouble(), c.get("p1").asDouble(), c.get("h").asDouble(), observations);

        assertEquals(observations.length, path.values().length);
        for (int i = 0; i < observations.length; i++) {
            assertClose(c.get("path").get(i).asDouble(), path.values()[i], 1e-12, 1e-13, label + " S at " + i);
        }
        assertEquals(c.get("firstSignal").asLong(), path.firstSignal(), label + " first signal");
    }

    @Test
    void handComputedPath() {
        // p0 = 0.1, p1 = 0.2, h = 1.5; events 1 0 0 1 1:
        // S = ln2, ln2 + ln(8/9), ln2 + 2 ln(8/9), 2 ln2 + 2 ln(8/9) = 1.1507, 3 ln2 + 2 ln(8/9) = 1.8439 >= 1.5.
        BernoulliCusum chart = new BernoulliCusum(0.1, 0.2, 1.5);
        CusumPath path = chart.observeAll(new boolean[] {true, false, false, true, true});
        assertArrayEquals(new double[] {UP, UP + DOWN, UP + 2 * DOWN, 2 * UP + 2 * DOWN, 3 * UP + 2 * DOWN}, path.values(), 1e-15);
        assertEquals(1.150728, path.values()[3], 1e-6);
        assertEquals(4, path.firstSignal());
        assertEquals(OptionalLong.of(4), chart.firstSignal());
        assertTrue(chart.signalling());
    }

    @Test
    void nonEventsNeverTakeTheStatisticBelowZero() {
        BernoulliCusum chart = new BernoulliCusum(0.1, 0.2, 1.5);
        assertEquals(0, chart.observe(false));
        assertEquals(UP, chart.observe(true), 1e-15);
        for (int i = 0; i < 10; i++) {
            chart.observe(false);
        }
        assertEquals(0, chart.value());
        assertEquals(12, chart.observations());
        assertFalse(chart.signalling());
        assertEquals(OptionalLong.empty(), chart.firstSignal());
    }

    @Test
    void batchesContinueTheSameChartAndASignalIsKept() {
        BernoulliCusum chart = new BernoulliCusum(0.1, 0.2, 1.0);
        CusumPath first = chart.observeAll(new boolean[] {true, true});
        CusumPath second = chart.observeAll(new boolean[] {false, false, false, false, false, false, false});
        assertEquals(0, first.startIndex());
        assertEquals(1, first.firstSignal());
        assertEquals(2, second.startIndex());
        assertEquals(1, second.firstSignal(), "the first signal is remembered after S falls back");
        assertFalse(chart.signalling());
        assertEquals(Math.max(0, 2 * UP + 7 * DOWN), chart.value(), 1e-15);

        chart.reset();
        assertEquals(0, chart.value());
        assertEquals(0, chart.observations());
        assertEquals(OptionalLong.empty(), chart.firstSignal());
    }

    @Test
    void invalidDesignsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BernoulliCusum(0.2, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BernoulliCusum(0, 0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BernoulliCusum(0.1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BernoulliCusum(0.1, 0.2, 0));
    }
}
