package org.cxrtriage.compliance.chain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Arrays;
import java.util.List;

/**
 * How a record's resources are stored in {@code audit_record.resources}: format 2 as a JSON array
 * of strings (unambiguous for any content), format 1 (older records) joined by newlines. Null
 * stands for no resources in both.
 */
public final class ResourceColumn {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private ResourceColumn() {
    }

    public static String encode(List<String> resources, int format) {
        if (resources.isEmpty()) {
            return null;
        }
        if (format == 1) {
            return String.join("\n", resources);
        }
        try {
            return JSON.writeValueAsString(resources);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always encodes as JSON", e);
        }
    }

    public static List<String> decode(String stored, int format) {
        if (stored == null) {
            return List.of();
        }
        if (format == 1) {
            return Arrays.asList(stored.split("\n"));
        }
        try {
            return JSON.readValue(stored, STRINGS);
        } catch (JsonProcessingException e) {
            // A damaged value is kept as it is, so the record reads back and fails its hash check.
            return List.of(stored);
        }
    }

    /**
     * The text that occurs in the stored column exactly when {@code resource} is one of the list's
     * elements, once the column is wrapped as {@code "," + inner + ","} (see AuditLog's filter):
     * inside a JSON string every quote is escaped, so {@code ,"R",} only occurs at element bounds.
     */
    static String elementToken(String resource) {
        try {
            return "," + JSON.writeValueAsString(resource) + ",";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string always encodes as JSON", e);
        }
    }
}
