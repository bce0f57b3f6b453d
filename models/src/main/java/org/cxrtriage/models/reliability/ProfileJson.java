package org.cxrtriage.models.reliability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The reference profile's file format (schemaVersion 1). Numbers are written with full double
 * precision so a profile read back judges exactly as the one written. Errors name the file and
 * the field, and say that the fix is to rebuild the profile with ./cxr-triage calibrate.
 */
final class ProfileJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SCHEMA = 1;

    private ProfileJson() {
    }

    static void write(ReferenceProfile profile, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", SCHEMA);
        root.put("version", profile.version());
        root.put("studyCount", profile.studyCount());
        root.put("createdFrom", profile.createdFrom());
        root.put("referenceQuantile", profile.referenceQuantile());
        ObjectNode numeric = root.putObject("numeric");
        new TreeMap<>(profile.numericReference()).forEach((key, values) -> numbers(numeric.putArray(key), values));
        ObjectNode categorical = root.putObject("categorical");
        new TreeMap<>(profile.categoricalReference()).forEach((key, counts) -> {
            ObjectNode node = categorical.putObject(key);
            new TreeMap<>(counts).forEach(node::put);
        });
        ObjectNode scores = root.putObject("scores");
        profile.scoreReference().keySet().stream().sorted().forEach(key -> {
            ObjectNode node = scores.putObject(key);
            double rate = profile.positiveRate().getOrDefault(key, Double.NaN);
            if (!Double.isNaN(rate)) {
                node.put("positiveRate", rate);
            }
            numbers(node.putArray("sample"), profile.scoreReference().get(key));
        });
        ObjectNode image = root.putObject("imageStatistics");
        image.put("threshold", profile.imageThreshold());
        ObjectNode bands = image.putObject("bands");
        new TreeMap<>(profile.bands()).forEach((key, band) -> bands.putObject(key).put("low", band.low())
                .put("high", band.high()).put("scale", band.scale()).put("tail", band.tail()));
        ObjectNode distance = root.putObject("imageDistance");
        ArrayNode keys = distance.putArray("keys");
        profile.imageDistanceKeys().forEach(keys::add);
        mahalanobis(distance, profile.imageDistance());
        profile.embedding().ifPresent(embedding -> mahalanobis(root.putObject("embedding"), embedding));
        root.putObject("plausibility").put("confidentProbability", ReferenceProfile.CONFIDENT)
                .put("maxConfident", profile.maxConfident());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(temporary.toFile(), root);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void mahalanobis(ObjectNode node, MahalanobisReference reference) {
        node.put("dimension", reference.dimension());
        node.put("threshold", reference.threshold());
        node.put("referenceQuantile", reference.referenceQuantile());
        node.put("shrinkage", reference.shrinkage());
        numbers(node.putArray("mean"), reference.mean());
        numbers(node.putArray("scale"), reference.scale());
        ArrayNode rows = node.putArray("precision");
        for (double[] row : reference.precision()) {
            numbers(rows.addArray(), row);
        }
    }

    static ReferenceProfile read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw problem(file, "(file)", "is not valid JSON: " + e.getOriginalMessage());
        }
        if (root.path("schemaVersion").asInt(-1) != SCHEMA) {
            throw problem(file, "schemaVersion", "is " + root.path("schemaVersion") + "; this version reads " + SCHEMA);
        }
        Map<String, double[]> numeric = new LinkedHashMap<>();
        fields(root, "numeric", file).forEachRemaining(e -> numeric.put(e.getKey(), doubles(e.getValue())));
        Map<String, Map<String, Long>> categorical = new LinkedHashMap<>();
        fields(root, "categorical", file).forEachRemaining(e -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            e.getValue().fields().forEachRemaining(c -> counts.put(c.getKey(), c.getValue().asLong()));
            categorical.put(e.getKey(), counts);
        });
        Map<String, double[]> scores = new LinkedHashMap<>();
        Map<String, Double> rates = new LinkedHashMap<>();
        fields(root, "scores", file).forEachRemaining(e -> {
            scores.put(e.getKey(), doubles(e.getValue().path("sample")));
            rates.put(e.getKey(), e.getValue().path("positiveRate").asDouble(Double.NaN));
        });
        JsonNode image = required(root, "imageStatistics", file);
        Map<String, NumericBand> bands = new LinkedHashMap<>();
        fields(image, "bands", file).forEachRemaining(e -> bands.put(e.getKey(), new NumericBand(
                e.getValue().path("low").asDouble(), e.getValue().path("high").asDouble(), e.getValue().path("scale").asDouble(),
                e.getValue().path("tail").asDouble(1))));
        JsonNode distance = required(root, "imageDistance", file);
        List<String> keys = new ArrayList<>();
        distance.path("keys").forEach(key -> keys.add(key.asText()));
        MahalanobisReference imageDistance = mahalanobis(distance, "imageDistance", file);
        if (keys.size() != imageDistance.dimension()) {
            throw problem(file, "imageDistance.keys", "has " + keys.size() + " names for " + imageDistance.dimension() + " dimensions");
        }
        Optional<MahalanobisReference> embedding = root.has("embedding")
                ? Optional.of(mahalanobis(root.path("embedding"), "embedding", file)) : Optional.empty();
        return new ReferenceProfile(text(root, "version", file), root.path("studyCount").asInt(),
                root.path("createdFrom").asText(""), numeric, categorical, scores, rates, bands,
                positive(image, "threshold", "imageStatistics.threshold", file), keys, imageDistance, embedding,
                required(root, "plausibility", file).path("maxConfident").asInt(), number(root, "referenceQuantile", file));
    }

    private static MahalanobisReference mahalanobis(JsonNode node, String at, Path file) throws IOException {
        double[] mean = doubles(node.path("mean"));
        double[] scale = doubles(node.path("scale"));
        JsonNode rows = node.path("precision");
        if (mean.length == 0 || rows.size() != mean.length || scale.length != mean.length) {
            throw problem(file, at + ".precision", "must be a " + mean.length + " x " + mean.length + " matrix, with "
                    + mean.length + " scales");
        }
        double[][] precision = new double[mean.length][];
        for (int i = 0; i < mean.length; i++) {
            precision[i] = doubles(rows.get(i));
            if (precision[i].length != mean.length) {
                throw problem(file, at + ".precision[" + i + "]", "must have " + mean.length + " values");
            }
        }
        return new MahalanobisReference(mean, scale, precision, positive(node, "threshold", at + ".threshold", file),
                number(node, "referenceQuantile", file), node.path("shrinkage").asDouble(Double.NaN));
    }

    private static void numbers(ArrayNode array, double[] values) {
        for (double value : values) {
            array.add(value);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }

    private static JsonNode required(JsonNode node, String field, Path file) throws IOException {
        JsonNode child = node.path(field);
        if (!child.isObject()) {
            throw problem(file, field, "is missing or not an object");
        }
        return child;
    }

    private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode node, String field, Path file) throws IOException {
        return required(node, field, file).fields();
    }

    private static double number(JsonNode node, String field, Path file) throws IOException {
        if (!node.path(field).isNumber()) {
            throw problem(file, field, "is missing or not a number");
        }
        return node.path(field).asDouble();
    }

    /** A distance threshold: verdicts divide by it, so zero, negative or infinite would make them meaningless. */
    private static double positive(JsonNode node, String field, String at, Path file) throws IOException {
        double value = number(node, field, file);
        if (!(value > 0) || Double.isInfinite(value)) {
            throw problem(file, at, "must be a positive number, not " + value);
        }
        return value;
    }

    private static String text(JsonNode node, String field, Path file) throws IOException {
        if (!node.path(field).isTextual()) {
            throw problem(file, field, "is missing or not a string");
        }
        return node.path(field).asText();
    }

    private static IOException problem(Path file, String field, String what) {
        return new IOException(file + ": " + field + " " + what + "; rebuild the profile with ./cxr-triage calibrate");
    }
}
