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

/** Special functions against scipy.special, and against mpmath where scipy is not accurate enough. */
class SpecialFunctionsTest {

    static List<Arguments> logGamma() {
        return Reference.cases("special/logGamma");
    }

    static List<Arguments> gamma() {
        return Reference.cases("special/gamma");
    }

    static List<Arguments> beta() {
        return Reference.cases("special/beta");
    }

    static List<Arguments> normalCdf() {
        return Reference.cases("special/normalCdf");
    }

    static List<Arguments> normalQuantile() {
        return Reference.cases("special/normalQuantile");
    }

    static List<Arguments> stirlingCorrection() {
        return Reference.cases("special/stirlingCorrection");
    }

    static List<Arguments> deviance() {
        return Reference.cases("special/deviance");
    }

    /** Relative 1e-14, or absolute 1e-14 near the zeros at x = 1 and 2. */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void logGamma(String label, JsonNode c) {
        double x = c.get("x").asDouble();
        assertClose(c.get("value").asDouble(), SpecialFunctions.logGamma(x), 1e-14, 1e-14, "lnΓ(" + x + ")");
    }

    /** Both tails to 1e-12 relative, so the small one is right too, not only 1 - the large one. */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void gamma(String label, JsonNode c) {
        double a = c.get("a").asDouble();
        double x = c.get("x").asDouble();
        assertClose(c.get("p").asDouble(), SpecialFunctions.regularizedGammaP(a, x), 1e-12, 1e-300, "P(" + a + ", " + x + ")");
        assertClose(c.get("q").asDouble(), SpecialFunctions.regularizedGammaQ(a, x), 1e-12, 1e-300, "Q(" + a + ", " + x + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void beta(String label, JsonNode c) {
        double x = c.get("x").asDouble();
        double a = c.get("a").asDouble();
        double b = c.get("b").asDouble();
        assertClose(c.get("value").asDouble(), SpecialFunctions.regularizedBeta(x, a, b), 1e-12, 1e-300,
                "I_" + x + "(" + a + ", " + b + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void normalCdf(String label, JsonNode c) {
        double x = c.get("x").asDouble();
        assertClose(c.get("value").asDouble(), SpecialFunctions.normalCdf(x), 1e-13, 1e-300, "Φ(" + x + ")");
    }

    /** Relative 1e-13 (absolute 1e-15 near 0, where Φ⁻¹ has no relative precision to keep). */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void normalQuantile(String label, JsonNode c) {
        double p = c.get("p").asDouble();
        assertClose(c.get("value").asDouble(), SpecialFunctions.normalQuantile(p), 1e-13, 1e-15, "Φ⁻¹(" + p + ")");
    }

    /** Absolute 1e-15: this term enters densities through exp(), so absolute error is what counts. */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void stirlingCorrection(String label, JsonNode c) {
        double x = c.get("x").asDouble();
        assertClose(c.get("value").asDouble(), SpecialFunctions.stirlingCorrection(x), 1e-13, 1e-15, "δ(" + x + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void deviance(String label, JsonNode c) {
        double x = c.get("x").asDouble();
        double m = c.get("m").asDouble();
        assertClose(c.get("value").asDouble(), SpecialFunctions.deviance(x, m), 1e-13, 1e-300, "deviance(" + x + ", " + m + ")");
    }

    @Test
    void endsOfTheDomains() {
        assertEquals(0, SpecialFunctions.regularizedGammaP(3, 0));
        assertEquals(1, SpecialFunctions.regularizedGammaQ(3, 0));
        assertEquals(0, SpecialFunctions.regularizedGammaQ(3, Double.POSITIVE_INFINITY));
        assertEquals(0, SpecialFunctions.regularizedBeta(0, 2, 3));
        assertEquals(1, SpecialFunctions.regularizedBeta(1, 2, 3));
        assertEquals(0, SpecialFunctions.normalQuantile(0.5));
        assertEquals(0, SpecialFunctions.normalCdf(Double.NEGATIVE_INFINITY));
        assertEquals(1, SpecialFunctions.normalCdf(Double.POSITIVE_INFINITY));
    }

    @Test
    void argumentsOutsideTheDomainAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.logGamma(0));
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.regularizedGammaQ(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.regularizedGammaQ(1, -2));
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.regularizedBeta(1.5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.regularizedBeta(0.5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.normalQuantile(0));
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.normalQuantile(1));
        assertThrows(IllegalArgumentException.class, () -> SpecialFunctions.normalCdf(Double.NaN));
    }
}
