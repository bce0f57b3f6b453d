package org.cxrtriage.models.stats;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.cxrtriage.models.stats.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Wilson interval against statsmodels' formula evaluated in the script with scipy's norm.ppf. */
class WilsonIntervalTest {

    static List<Arguments> cases() {
        return Reference.cases("wilson");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesStatsmodelsFormula(String label, JsonNode c) {
        WilsonInterval interval = WilsonInterval.of(c.get("k").asLong(), c.get("n").asLong(), c.get("confidence").asDouble());
        assertClose(c.get("lower").asDouble(), interval.lower(), 1e-12, 1e-15, "lower " + label);
        assertClose(c.get("upper").asDouble(), interval.upper(), 1e-12, 1e-15, "upper " + label);
    }

    @Test
    void defaultIsNinetyFivePercent() {
        // 3 of 10: centre (0.3 + 1.96²/20) / (1 + 1.96²/10) = 0.3603, half-width 0.2537 (by hand).
        WilsonInterval interval = WilsonInterval.of(3, 10);
        assertEquals(0.95, interval.confidence());
        assertEquals(0.1078, interval.lower(), 1e-4);
        assertEquals(0.6032, interval.upper(), 1e-4);
    }

    @Test
    void noTrialsGiveTheWholeRange() {
        WilsonInterval interval = WilsonInterval.of(0, 0);
        assertEquals(0, interval.lower());
        assertEquals(1, interval.upper());
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> WilsonInterval.of(4, 3));
        assertThrows(IllegalArgumentException.class, () -> WilsonInterval.of(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> WilsonInterval.of(1, 3, 1.0));
        assertThrows(IllegalArgumentException.class, () -> WilsonInterval.of(1, 3, 0));
    }
}
