package org.cxrtriage.models.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.provider.Arguments;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The reference values written by stats/make_reference.py (scipy), and the comparison the tests use.
 * Samples are regenerated from their seeds with the same splitmix64 as the script.
 */
final class Reference {

    private static final JsonNode ROOT = load();

    private Reference() {
    }

    /** The array at a slash-separated path, e.g. "special/gamma", one argument set per element. */
    static List<Arguments> cases(String path) {
        List<Arguments> cases = new ArrayList<>();
        for (JsonNode node : node(path)) {
            String label = node.has("name") ? node.get("name").asText() : abbreviate(node.toString());
            cases.add(Arguments.of(label, node));
        }
        if (cases.isEmpty()) {
            throw new IllegalStateException("reference.json has no cases at " + path + ": re-run make_reference.py");
        }
        return cases;
    }

    static JsonNode node(String path) {
        JsonNode node = ROOT;
        for (String part : path.split("/")) {
            node = node.path(part);
        }
        if (node.isMissingNode()) {
            throw new IllegalStateException("reference.json has nothing at " + path + ": re-run make_reference.py");
        }
        return node;
    }

    /** The sample a case describes: literal values, or splitmix64 draws transformed as the script does. */
    static double[] sample(JsonNode spec) {
        if (spec.has("values")) {
            double[] values = new double[spec.get("values").size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = spec.get("values").get(i).asDouble();
            }
            return values;
        }
        long state = spec.get("seed").asLong();
        double loc = spec.path("loc").asDouble(0);
        double scale = spec.path("scale").asDouble(1);
        String kind = spec.get("kind").asText();
        double[] values = new double[spec.get("size").asInt()];
        for (int i = 0; i < values.length; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            double u = (z >>> 11) * 0x1.0p-53;
            values[i] = switch (kind) {
                case "uniform" -> loc + scale * u;
                case "square" -> loc + scale * (u * u);
                case "levels" -> loc + Math.floor(u * spec.get("levels").asInt());
                default -> throw new IllegalStateException("unknown sample kind " + kind);
            };
        }
        return values;
    }

    /** Passes when |actual - expected| ≤ absolute or ≤ relative · |expected|. */
    static void assertClose(double expected, double actual, double relative, double absolute, String what) {
        double error = Math.abs(actual - expected);
        if (!(error <= absolute || error <= relative * Math.abs(expected))) {
            fail(what + ": expected " + expected + " (scipy), got " + actual + ", error " + error
                    + " beyond relative " + relative + " and absolute " + absolute);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    private static JsonNode load() {
        try (InputStream in = Reference.class.getResourceAsStream("/stats/reference.json")) {
            if (in == null) {
                throw new IllegalStateException("no /stats/reference.json on the test class path");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
