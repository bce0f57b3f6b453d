package org.cxrtriage.app.triage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;
import java.util.TreeMap;

/** An image's facts as stored with its result: a JSON object, keys sorted, non-finite numbers left out. */
final class FactsJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FactsJson() {
    }

    static String numeric(Map<String, Double> facts) {
        if (facts.isEmpty()) {
            return null;
        }
        Map<String, Double> finite = new TreeMap<>();
        facts.forEach((key, value) -> {
            if (value != null && Double.isFinite(value)) {
                finite.put(key, value);
            }
        });
        return write(finite);
    }

    static String categorical(Map<String, String> facts) {
        if (facts.isEmpty()) {
            return null;
        }
        Map<String, String> bounded = new TreeMap<>();
        facts.forEach((key, value) -> bounded.put(key, HeaderValues.bound(value == null ? "" : value, HeaderValues.LO)));
        return write(bounded);
    }

    private static String write(Map<String, ?> facts) {
        try {
            return JSON.writeValueAsString(facts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of numbers or texts always encodes as JSON", e);
        }
    }
}
