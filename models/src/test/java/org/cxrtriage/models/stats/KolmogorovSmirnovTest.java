package org.cxrtriage.models.stats;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.cxrtriage.models.stats.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two-sample test against scipy.stats.ks_2samp(a, b) (two-sided, method='auto'). */
class KolmogorovSmirnovTest {

    static List<Arguments> samples() {
        return Reference.cases("ks");
    }

    static List<Arguments> exactGrid() {
        return Reference.cases("ksExact");
    }

    /** D to 1e-12 relative; p to 1e-12 absolute and, when p is small, 1e-9 relative. */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void samples(String label, JsonNode c) {
        double[] a = Reference.sample(c.get("a"));
        double[] b = Reference.sample(c.get("b"));

        KsResult result = KolmogorovSmirnov.twoSample(a, b);

        assertClose(c.get("statistic").asDouble(), result.statistic(), 1e-12, 0, label + " D");
        assertClose(c.get("pValue").asDouble(), result.pValue(), 1e-9, 1e-12, label + " p-value");
        assertEquals(KsResult.Method.valueOf(c.get("method").asText()), result.method(), label + " method");
        assertEquals(a.length, result.n1());
        assertEquals(b.length, result.n2());
    }

    /** The exact null distribution over sizes and distances, scipy's own exact routine as reference. */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void exactGrid(String label, JsonNode c) {
        int n1 = c.get("n1").asInt();
        int n2 = c.get("n2").asInt();
        long h = c.get("h").asLong();
        assertClose(c.get("pValue").asDouble(), SmirnovDistribution.sf(n1, n2, h), 1e-9, 1e-12,
                "P(D >= " + h + "/lcm) for sizes " + n1 + ", " + n2);
        assertEquals(SmirnovDistribution.sf(n1, n2, h), SmirnovDistribution.sf(n2, n1, h), 1e-14, "symmetric in the sizes");
    }

    @Test
    void infinitiesAreOrdinaryValues() {
        // CDF steps: -inf: 1/4 vs 0; 0: 2/4 vs 1/3; 0.5: 2/4 vs 2/3; 1: 3/4 vs 2/3; 2: 3/4 vs 1; inf: 1 vs 1.
        KsResult result = KolmogorovSmirnov.twoSample(new double[] {Double.NEGATIVE_INFINITY, 0, 1, Double.POSITIVE_INFINITY},
                new double[] {0, 0.5, 2});
        assertEquals(0.25, result.statistic(), 1e-15);
    }

    @Test
    void swappingTheSamplesChangesNothing() {
        double[] a = {0.1, 0.4, 0.4, 0.9, 1.3};
        double[] b = {0.2, 0.4, 0.5, 0.6, 0.7, 1.1, 2.0};
        KsResult forward = KolmogorovSmirnov.twoSample(a, b);
        KsResult backward = KolmogorovSmirnov.twoSample(b, a);
        assertEquals(forward.statistic(), backward.statistic());
        assertEquals(forward.pValue(), backward.pValue(), 1e-15);
    }

    @Test
    void inputsAreNotModified() {
        double[] a = {3, 1, 2};
        double[] b = {9, 7, 8, 0};
        KolmogorovSmirnov.twoSample(a, b);
        assertArrayEquals(new double[] {3, 1, 2}, a);
        assertArrayEquals(new double[] {9, 7, 8, 0}, b);
    }

    @Test
    void emptyOrNanSamplesAreRefusedWithTheReason() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> KolmogorovSmirnov.twoSample(new double[0], new double[] {1}));
        assertTrue(empty.getMessage().contains("window sample is empty"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KolmogorovSmirnov.twoSample(new double[] {1}, null));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> KolmogorovSmirnov.twoSample(new double[] {1}, new double[] {2, Double.NaN}));
        assertTrue(nan.getMessage().contains("reference sample contains NaN"), nan.getMessage());
    }
}
