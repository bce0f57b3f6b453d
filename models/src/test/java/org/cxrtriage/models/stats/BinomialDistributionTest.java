package org.cxrtriage.models.stats;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.cxrtriage.models.stats.Reference.assertClose;

/** Mass function and both tails against exact values (mpmath; scipy.stats.binom agrees to 1e-10), each tail to relative accuracy. */
class BinomialDistributionTest {

    static List<Arguments> cases() {
        return Reference.cases("binomial/distribution");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesScipy(String label, JsonNode c) {
        long k = c.get("k").asLong();
        long n = c.get("n").asLong();
        double p = c.get("p").asDouble();
        assertClose(c.get("pmf").asDouble(), BinomialDistribution.pmf(k, n, p), 1e-12, 1e-300, "pmf " + label);
        assertClose(c.get("cdf").asDouble(), BinomialDistribution.cdf(k, n, p), 1e-11, 1e-300, "cdf " + label);
        assertClose(c.get("sf").asDouble(), BinomialDistribution.sf(k, n, p), 1e-11, 1e-300, "sf " + label);
    }
}
