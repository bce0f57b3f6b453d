package org.cxrtriage.models.stats;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.cxrtriage.models.stats.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The homogeneity test against scipy.stats.chi2_contingency(table, correction=False). */
class ChiSquareTest {

    static List<Arguments> cases() {
        return Reference.cases("chiSquare");
    }

    /** X² to 1e-12 relative; p to 1e-12 absolute and 1e-10 relative (p goes down to 1e-280 here). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesScipy(String label, JsonNode c) {
        ChiSquareResult result = ChiSquare.homogeneity(counts(c.get("window")), counts(c.get("reference")),
                c.get("minExpected").asDouble());

        assertClose(c.get("statistic").asDouble(), result.statistic(), 1e-12, 1e-14, label + " statistic");
        assertEquals(c.get("degreesOfFreedom").asInt(), result.degreesOfFreedom(), label + " degrees of freedom");
        assertClose(c.get("pValue").asDouble(), result.pValue(), 1e-10, 1e-12, label + " p-value");
        assertEquals(strings(c.get("categories")), result.categories(), label + " categories");
        assertEquals(strings(c.get("pooled")), result.pooled(), label + " pooled");
    }

    @Test
    void windowOrReferenceWithoutObservationsIsRefused() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ChiSquare.homogeneity(Map.of("a", 0L), Map.of("a", 10L)));
        assertTrue(empty.getMessage().contains("window has no observations"), empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.homogeneity(Map.of("a", 3L), Map.of()));
    }

    @Test
    void negativeOrMissingCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.homogeneity(Map.of("a", -1L, "b", 4L), Map.of("a", 10L)));
        Map<String, Long> withNull = new HashMap<>();
        withNull.put("a", null);
        withNull.put("b", 3L);
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.homogeneity(withNull, Map.of("a", 10L)));
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.homogeneity(Map.of("a", 1L), Map.of("a", 1L), -1));
    }

    private static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> counts = new HashMap<>();
        node.fields().forEachRemaining(entry -> counts.put(entry.getKey(), entry.getValue().asLong()));
        return counts;
    }

    private static List<String> strings(JsonNode node) {
        List<String> strings = new ArrayList<>();
        node.forEach(element -> strings.add(element.asText()));
        return strings;
    }
}
