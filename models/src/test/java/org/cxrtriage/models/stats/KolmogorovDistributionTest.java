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

/**
 * The one-sample Kolmogorov distribution against scipy.stats.kstwo.sf over a grid that crosses every
 * boundary of the Simard-L'Ecuyer method choice, and the one-sided tail against scipy.special.smirnov.
 */
class KolmogorovDistributionTest {

    static List<Arguments> kolmogorov() {
        return Reference.cases("kolmogorov");
    }

    static List<Arguments> smirnov() {
        return Reference.cases("smirnov");
    }

    /** Absolute 1e-12 (1 - CDF on the lower branches), relative 1e-10 for the small upper-tail values. */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void kolmogorov(String label, JsonNode c) {
        int n = c.get("n").asInt();
        double x = c.get("x").asDouble();
        assertClose(c.get("sf").asDouble(), KolmogorovDistribution.sf(n, x), 1e-10, 1e-12, "P(D_" + n + " >= " + x + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void smirnov(String label, JsonNode c) {
        int n = c.get("n").asInt();
        double x = c.get("x").asDouble();
        assertClose(c.get("sf").asDouble(), KolmogorovDistribution.smirnovSf(n, x), 1e-11, 1e-300, "P(D+_" + n + " >= " + x + ")");
    }

    @Test
    void durbinAndPelzGoodAgreeWhereBothApply() {
        // Pelz-Good is an asymptotic series: for n = 1000 it is within 1e-5 of the exact value.
        for (double x : new double[] {0.02, 0.03, 0.04}) {
            assertClose(KolmogorovDistribution.durbinCdf(1000, x), KolmogorovDistribution.pelzGoodCdf(1000, x), 0, 1e-5,
                    "Pelz-Good against Durbin at x=" + x);
        }
    }

    @Test
    void endsOfTheSupport() {
        assertEquals(1, KolmogorovDistribution.sf(10, 0));
        assertEquals(1, KolmogorovDistribution.sf(10, 0.05));
        assertEquals(0, KolmogorovDistribution.sf(10, 1));
        assertThrows(IllegalArgumentException.class, () -> KolmogorovDistribution.sf(0, 0.5));
    }
}
