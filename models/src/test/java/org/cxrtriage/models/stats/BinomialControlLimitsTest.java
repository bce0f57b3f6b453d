package org.cxrtriage.models.stats;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.cxrtriage.models.stats.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Control limits against scipy.stats.binom.ppf(alpha/2) and ppf(1 - alpha/2), the signal rule
 * against scipy's CDF, and the two-sided test against scipy.stats.binomtest.
 */
class BinomialControlLimitsTest {

    static List<Arguments> limits() {
        return Reference.cases("binomial/limits");
    }

    static List<Arguments> tests() {
        return Reference.cases("binomial/tests");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void limits(String label, JsonNode c) {
        BinomialControlLimits limits = BinomialControlLimits.of(c.get("n").asLong(), c.get("p0").asDouble(),
                c.get("alpha").asDouble());

        assertEquals(c.get("lower").asLong(), limits.lowerCount(), "lower limit " + label);
        assertEquals(c.get("upper").asLong(), limits.upperCount(), "upper limit " + label);
        for (JsonNode pair : c.get("outside")) {
            long count = pair.get(0).asLong();
            assertEquals(pair.get(1).asBoolean(), limits.outside(count), "count " + count + " outside? " + label);
        }
    }

    /** p to 1e-12 absolute and 1e-10 relative. */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void tests(String label, JsonNode c) {
        assertClose(c.get("pValue").asDouble(),
                BinomialTest.twoSidedPValue(c.get("k").asLong(), c.get("n").asLong(), c.get("p").asDouble()),
                1e-10, 1e-12, "binomtest " + label);
    }

    @Test
    void threeSigmaLimitsForADisagreementRate() {
        // 200 studies at a 5% disagreement rate: P(X <= 1) = 4.3e-4 < 0.00135 <= P(X <= 2) = 2.3e-3 and
        // P(X > 20) = 1.1e-3 <= 0.00135 < P(X > 19) = 2.6e-3 (scipy.stats.binom).
        BinomialControlLimits limits = BinomialControlLimits.of(200, 0.05, 0.0027);
        assertEquals(2, limits.lowerCount());
        assertEquals(20, limits.upperCount());
        assertTrue(limits.outside(1));
        assertFalse(limits.outside(20));
        assertTrue(limits.outside(21));
        assertEquals(0.1, limits.upperRate(), 1e-15);
    }

    @Test
    void certainEventsHaveTheirOnlyCountAsBothLimits() {
        // scipy's binom.ppf(q, n, 1) answers 0 for small q, which is wrong: every count is n.
        BinomialControlLimits limits = BinomialControlLimits.of(10, 1.0, 0.05);
        assertEquals(10, limits.lowerCount());
        assertEquals(10, limits.upperCount());
        assertTrue(limits.outside(9));
    }

    @Test
    void invalidArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BinomialControlLimits.of(-1, 0.1, 0.05));
        assertThrows(IllegalArgumentException.class, () -> BinomialControlLimits.of(10, 1.1, 0.05));
        assertThrows(IllegalArgumentException.class, () -> BinomialControlLimits.of(10, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> BinomialControlLimits.of(10, 0.1, 0.05).outside(11));
        assertThrows(IllegalArgumentException.class, () -> new BinomialControlLimits(10, 0.1, 0.05, 5, 3));
        assertThrows(IllegalArgumentException.class, () -> BinomialTest.twoSidedPValue(11, 10, 0.5));
        assertThrows(IllegalArgumentException.class, () -> BinomialTest.twoSidedPValue(0, 0, 0.5));
    }
}
