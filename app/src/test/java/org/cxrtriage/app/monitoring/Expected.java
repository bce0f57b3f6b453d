package org.cxrtriage.app.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.models.reliability.ReferenceProfile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cases and expected values of monitoring/make_expected.py (scipy), as the Java types. */
final class Expected {

    static final JsonNode ROOT = load();
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private Expected() {
    }

    static List<String> findings() {
        List<String> findings = new ArrayList<>();
        ROOT.get("findings").forEach(f -> findings.add(f.asText()));
        return findings;
    }

    static Thresholds thresholds() {
        JsonNode t = ROOT.get("thresholds");
        return new Thresholds(t.get("warningAlpha").asDouble(), t.get("alarmAlpha").asDouble(), t.get("minEffect").asDouble(),
                t.get("unreliableWarning").asDouble(), t.get("unreliableAlarm").asDouble(), t.get("minStudies").asInt());
    }

    static Optional<ReferenceProfile> profile(String name) {
        JsonNode r = ROOT.get("references").get(name);
        Map<String, double[]> numeric = samples(r.get("numeric"));
        Map<String, double[]> scores = samples(r.get("scores"));
        Map<String, Map<String, Long>> categorical = new HashMap<>();
        fields(r.get("categorical")).forEach((key, counts) -> categorical.put(key, counts(counts)));
        Map<String, Double> positive = new HashMap<>();
        fields(r.get("positiveRate")).forEach((key, rate) -> positive.put(key, rate.asDouble()));
        return Optional.of(new ReferenceProfile("test", 400, "make_expected.py", numeric, categorical, scores, positive, Map.of(),
                0, List.of(), null, Optional.empty(), 0, 0.995));
    }

    static Baseline baseline(JsonNode b) {
        Map<Integer, Long> ages = new HashMap<>();
        fields(b.get("ages")).forEach((age, count) -> ages.put(Integer.parseInt(age), count.asLong()));
        return new Baseline(T0.minusSeconds(86400 * 28), T0, b.get("studies").asLong(), b.get("notScored").asLong(), ages,
                counts(b.get("callers")));
    }

    static List<MonitoredStudy> window(JsonNode c) {
        List<MonitoredStudy> studies = new ArrayList<>();
        long id = 1;
        if (c.has("windowColumns")) {
            JsonNode columns = c.get("windowColumns");
            for (int i = 0; i < columns.get("reliable").size(); i++) {
                Map<String, MonitoredStudy.Finding> findings = new HashMap<>();
                for (String f : findings()) {
                    findings.put(f, new MonitoredStudy.Finding(columns.get("score." + f).get(i).asDouble(),
                            columns.get("positive." + f).get(i).asInt() == 1));
                }
                studies.add(new MonitoredStudy(id++, "1.2." + i, T0, true, null, columns.get("reliable").get(i).asInt() == 1, "m", "1",
                        null, null, null, Map.of("intensity.p50", columns.get("intensity.p50").get(i).asDouble()), Map.of(), findings));
            }
            return studies;
        }
        for (JsonNode s : c.get("window")) {
            if (!s.get("scored").asBoolean()) {
                studies.add(new MonitoredStudy(id, "1.2." + id++, T0, false, MonitoredStudy.reasonClass(s.get("reason").asText()),
                        null, null, null, null, null, null, Map.of(), Map.of(), Map.of()));
                continue;
            }
            Map<String, Double> numeric = new HashMap<>();
            fields(s.get("numeric")).forEach((key, value) -> numeric.put(key, value.asDouble()));
            Map<String, String> categorical = new HashMap<>();
            fields(s.get("categorical")).forEach((key, value) -> categorical.put(key, value.asText()));
            Map<String, MonitoredStudy.Finding> findings = new HashMap<>();
            fields(s.get("findings")).forEach((key, value) -> findings.put(key,
                    new MonitoredStudy.Finding(value.get(0).asDouble(), value.get(1).asBoolean())));
            studies.add(new MonitoredStudy(id, "1.2." + id++, T0, true, null, s.get("reliable").asBoolean(), "m", "1",
                    s.path("caller").asText(null), s.has("age") ? s.get("age").asInt() : null, "O", numeric, categorical, findings));
        }
        return studies;
    }

    /** |actual - expected| within a relative 1e-9 or an absolute {@code absolute}. */
    static void close(double expected, Double actual, double absolute, String what) {
        assertTrue(actual != null, what + " is missing");
        double tolerance = Math.max(absolute, 1e-9 * Math.abs(expected));
        assertTrue(Math.abs(expected - actual) <= tolerance, what + ": expected " + expected + ", got " + actual);
    }

    static void range(JsonNode expected, DriftSignal.Range actual, String what) {
        assertTrue(actual != null, what + " is missing");
        close(expected.get(0).asDouble(), actual.lower(), 1e-12, what + " lower");
        close(expected.get(1).asDouble(), actual.upper(), 1e-12, what + " upper");
    }

    static void level(String expected, DriftSignal actual) {
        assertEquals(expected, actual.level(), actual.name() + ": " + actual.reason());
    }

    private static Map<String, double[]> samples(JsonNode node) {
        Map<String, double[]> samples = new HashMap<>();
        fields(node).forEach((key, values) -> {
            double[] array = new double[values.size()];
            for (int i = 0; i < array.length; i++) {
                array[i] = values.get(i).asDouble();
            }
            samples.put(key, array);
        });
        return samples;
    }

    private static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> counts = new HashMap<>();
        fields(node).forEach((key, value) -> counts.put(key, value.asLong()));
        return counts;
    }

    static Map<String, JsonNode> fields(JsonNode node) {
        Map<String, JsonNode> fields = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            fields.put(field.getKey(), field.getValue());
        }
        return fields;
    }

    private static JsonNode load() {
        try (InputStream in = Expected.class.getResourceAsStream("/monitoring/expected.json")) {
            if (in == null) {
                throw new IllegalStateException("monitoring/expected.json is missing: run make_expected.py in app/src/test/resources/monitoring");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
