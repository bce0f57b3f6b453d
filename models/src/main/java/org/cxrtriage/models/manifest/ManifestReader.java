package org.cxrtriage.models.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.models.manifest.ModelManifest.Activation;
import org.cxrtriage.models.manifest.ModelManifest.CalibrationMethod;
import org.cxrtriage.models.manifest.ModelManifest.CalibrationSpec;
import org.cxrtriage.models.manifest.ModelManifest.Code;
import org.cxrtriage.models.manifest.ModelManifest.Crop;
import org.cxrtriage.models.manifest.ModelManifest.EmbeddingSpec;
import org.cxrtriage.models.manifest.ModelManifest.Finding;
import org.cxrtriage.models.manifest.ModelManifest.InputSpec;
import org.cxrtriage.models.manifest.ModelManifest.Normalisation;
import org.cxrtriage.models.manifest.ModelManifest.NormalisationMethod;
import org.cxrtriage.models.manifest.ModelManifest.OperatingPoint;
import org.cxrtriage.models.manifest.ModelManifest.OutputSpec;
import org.cxrtriage.models.manifest.ModelManifest.ParitySample;
import org.cxrtriage.models.manifest.ModelManifest.Preprocessing;
import org.cxrtriage.models.manifest.ModelManifest.ReliabilitySpec;
import org.cxrtriage.models.manifest.ModelManifest.Window;
import org.cxrtriage.models.manifest.ModelManifest.WindowMethod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates {@code manifest.json}. Every error names the file, the field (as a JSON
 * path) and what to write instead, so whoever installs a model can fix it without reading code.
 */
public final class ManifestReader {

    public static final String FILE_NAME = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    private ManifestReader(Path file) {
        this.file = file;
    }

    /** Reads {@code <directory>/manifest.json}. Does not check the ONNX file; see ModelFiles. */
    public static ModelManifest read(Path directory) throws ManifestException {
        Path file = directory.resolve(FILE_NAME);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ManifestException(file + ": not found; a model directory needs manifest.json beside model.onnx");
        } catch (JsonProcessingException e) {
            throw new ManifestException(file + ": not valid JSON at line " + e.getLocation().getLineNr() + ": "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ManifestException(file + ": cannot be read: " + e.getMessage(), e);
        }
        return new ManifestReader(file).parse(root);
    }

    private ModelManifest parse(JsonNode root) throws ManifestException {
        int schema = integer(root, "schemaVersion");
        if (schema != 1) {
            throw error("schemaVersion", "is " + schema + "; this version of cxr-triage reads schemaVersion 1");
        }
        JsonNode model = object(root, "model");
        String sha256 = text(model, "model.sha256").toLowerCase(Locale.ROOT);
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw error("model.sha256", "must be 64 hex digits; compute it with: sha256sum model.onnx");
        }
        InputSpec input = input(object(root, "input"));
        Preprocessing preprocessing = preprocessing(object(root, "preprocessing"), input);
        OutputSpec output = output(object(root, "output"));
        Optional<EmbeddingSpec> embedding = embedding(root.path("output").path("embedding"), output);
        List<Finding> findings = findings(array(root, "findings"), output);
        JsonNode parity = root.path("parity");
        List<ParitySample> samples = new ArrayList<>();
        double tolerance = 1e-4;
        if (!parity.isMissingNode()) {
            tolerance = number(parity, "parity.tolerance");
            JsonNode list = array(parity, "parity.samples");
            for (int i = 0; i < list.size(); i++) {
                String at = "parity.samples[" + i + "]";
                List<Double> expected = numbers(list.get(i), at + ".expectedOutputs");
                if (expected.size() != output.size()) {
                    throw error(at + ".expectedOutputs", "has " + expected.size() + " values; output.size is " + output.size());
                }
                List<Double> expectedEmbedding = List.of();
                if (list.get(i).has("expectedEmbedding")) {
                    expectedEmbedding = numbers(list.get(i), at + ".expectedEmbedding");
                    if (embedding.isEmpty() || expectedEmbedding.size() != embedding.get().dimension()) {
                        throw error(at + ".expectedEmbedding", "has " + expectedEmbedding.size() + " values; it needs"
                                + " output.embedding with that dimension (or remove expectedEmbedding)");
                    }
                }
                samples.add(new ParitySample(text(list.get(i), at + ".input"), expected, expectedEmbedding));
            }
        }
        String version = text(root, "version");
        return new ModelManifest(text(root, "id"), version, sha256,
                root.path("model").path("file").asText("model.onnx"), input, preprocessing, output, findings,
                text(root, "intendedUse"), bool(root, "notForClinicalUse"), List.copyOf(samples), tolerance, embedding,
                reliability(root.path("reliability"), version));
    }

    /** Optional output.embedding: {"name": ..., "dimension": ...}; absent in older manifests. */
    private Optional<EmbeddingSpec> embedding(JsonNode node, OutputSpec output) throws ManifestException {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw error("output.embedding", "must be an object {\"name\": ..., \"dimension\": ...}");
        }
        String name = text(node, "output.embedding.name");
        if (name.equals(output.name())) {
            throw error("output.embedding.name", "is '" + name + "', the same as output.name; name the model's"
                    + " embedding output (e.g. 'embedding')");
        }
        int dimension = integer(node, "output.embedding.dimension");
        if (dimension < 1) {
            throw error("output.embedding.dimension", "is " + dimension + "; it is the number of features per image");
        }
        return Optional.of(new EmbeddingSpec(name, dimension));
    }

    /**
     * Optional reliability.profile: {"file", "sha256", "version"}; the version must equal the
     * manifest's, because the profile holds score samples of exactly this calibration.
     */
    private Optional<ReliabilitySpec> reliability(JsonNode node, String version) throws ManifestException {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        JsonNode profile = object(node, "reliability.profile");
        String file = text(profile, "reliability.profile.file");
        if (file.contains("/") || file.contains("\\") || file.startsWith(".")) {
            throw error("reliability.profile.file", "is '" + file + "'; give a file name in the model directory,"
                    + " e.g. reference-profile.json");
        }
        String sha256 = text(profile, "reliability.profile.sha256").toLowerCase(Locale.ROOT);
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw error("reliability.profile.sha256", "must be 64 hex digits; compute it with: sha256sum " + file);
        }
        String profileVersion = text(profile, "reliability.profile.version");
        if (!profileVersion.equals(version)) {
            throw error("reliability.profile.version", "is '" + profileVersion + "' but the manifest is version '"
                    + version + "'; the profile belongs to one calibration: run ./cxr-triage calibrate again to"
                    + " build a matching profile");
        }
        return Optional.of(new ReliabilitySpec(file, sha256, profileVersion));
    }

    private InputSpec input(JsonNode node) throws ManifestException {
        String name = text(node, "input.name");
        JsonNode shape = array(node, "input.shape");
        String layout = node.path("layout").asText("NCHW");
        if (!layout.equals("NCHW")) {
            throw error("input.layout", "is '" + layout + "'; only NCHW is supported (export the model with channels first)");
        }
        if (shape.size() != 4) {
            throw error("input.shape", "must have 4 dimensions [batch, channels, height, width], e.g. [-1, 1, 224, 224]");
        }
        int batch = shape.get(0).asInt();
        int channels = shape.get(1).asInt();
        if (channels != 1 && channels != 3) {
            throw error("input.shape[1]", "is " + channels + "; use 1 (grayscale) or 3 (grayscale repeated)");
        }
        int height = shape.get(2).asInt();
        int width = shape.get(3).asInt();
        if (height < 16 || width < 16 || height > 4096 || width > 4096) {
            throw error("input.shape", "height and width must be between 16 and 4096, were " + height + " and " + width);
        }
        if (batch != -1 && batch != 1) {
            throw error("input.shape[0]", "is " + batch + "; use -1 (dynamic batch) or 1");
        }
        return new InputSpec(name, channels, height, width, batch == -1);
    }

    private Preprocessing preprocessing(JsonNode node, InputSpec input) throws ManifestException {
        JsonNode size = array(node, "preprocessing.size");
        if (size.size() != 2 || size.get(0).asInt() != input.width() || size.get(1).asInt() != input.height()) {
            throw error("preprocessing.size", "must be [width, height] matching input.shape: [" + input.width() + ", "
                    + input.height() + "]");
        }
        Crop crop = choice(node.path("crop").asText("none"), "preprocessing.crop", Crop.class);
        JsonNode window = object(node, "preprocessing.window");
        WindowMethod method = choice(text(window, "preprocessing.window.method"), "preprocessing.window.method", WindowMethod.class);
        double low = 0;
        double high = 100;
        if (method == WindowMethod.PERCENTILE) {
            low = number(window, "preprocessing.window.lowPercentile");
            high = number(window, "preprocessing.window.highPercentile");
            if (!(0 <= low && low < high && high <= 100)) {
                throw error("preprocessing.window", "needs 0 <= lowPercentile < highPercentile <= 100, e.g. 0.5 and 99.5");
            }
        }
        JsonNode norm = object(node, "preprocessing.normalisation");
        NormalisationMethod normMethod = choice(text(norm, "preprocessing.normalisation.method"),
                "preprocessing.normalisation.method", NormalisationMethod.class);
        Normalisation normalisation;
        if (normMethod == NormalisationMethod.RANGE) {
            double min = number(norm, "preprocessing.normalisation.min");
            double max = number(norm, "preprocessing.normalisation.max");
            if (!(max > min)) {
                throw error("preprocessing.normalisation", "needs max > min, e.g. min -1024 and max 1024 for torchxrayvision");
            }
            normalisation = new Normalisation(normMethod, min, max, 0, 1);
        } else {
            double std = number(norm, "preprocessing.normalisation.std");
            if (!(std > 0)) {
                throw error("preprocessing.normalisation.std", "must be positive");
            }
            normalisation = new Normalisation(normMethod, 0, 1, number(norm, "preprocessing.normalisation.mean"), std);
        }
        return new Preprocessing(input.width(), input.height(), crop, new Window(method, low, high), normalisation);
    }

    private OutputSpec output(JsonNode node) throws ManifestException {
        Activation activation = choice(text(node, "output.activation"), "output.activation", Activation.class);
        int size = integer(node, "output.size");
        if (size < 1) {
            throw error("output.size", "must be the number of values the model outputs per image");
        }
        return new OutputSpec(text(node, "output.name"), activation, size);
    }

    private List<Finding> findings(JsonNode list, OutputSpec output) throws ManifestException {
        if (list.isEmpty()) {
            throw error("findings", "is empty; list at least one finding with its output index");
        }
        List<Finding> findings = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        Set<Integer> indices = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            String at = "findings[" + i + "]";
            int index = integer(node, at + ".index");
            if (index < 0 || index >= output.size()) {
                throw error(at + ".index", "is " + index + "; must be between 0 and output.size - 1 (" + (output.size() - 1) + ")");
            }
            String key = text(node, at + ".key");
            if (!keys.add(key) || !indices.add(index)) {
                throw error(at, "repeats key '" + key + "' or index " + index + "; each finding needs its own");
            }
            JsonNode code = object(node, at + ".code");
            double weight = node.path("severityWeight").asDouble(1.0);
            if (!(weight > 0 && weight <= 1)) {
                throw error(at + ".severityWeight", "is " + weight + "; must be in (0, 1]");
            }
            findings.add(new Finding(index, key, text(node, at + ".display"),
                    new Code(text(code, at + ".code.system"), text(code, at + ".code.code"), text(code, at + ".code.display")),
                    bool(node, at + ".critical"), weight, calibration(object(node, at + ".calibration"), at + ".calibration"),
                    operatingPoint(node.path("operatingPoint"), at + ".operatingPoint")));
        }
        return List.copyOf(findings);
    }

    private CalibrationSpec calibration(JsonNode node, String at) throws ManifestException {
        CalibrationMethod method = choice(text(node, at + ".method"), at + ".method", CalibrationMethod.class);
        String version = text(node, at + ".version");
        String fittedOn = node.path("fittedOn").asText("");
        return switch (method) {
            case NONE -> new CalibrationSpec(method, 1, 0, List.of(), List.of(), version, fittedOn);
            case PLATT -> new CalibrationSpec(method, number(node, at + ".a"), number(node, at + ".b"), List.of(), List.of(),
                    version, fittedOn);
            case ISOTONIC -> {
                List<Double> x = numbers(node, at + ".x");
                List<Double> y = numbers(node, at + ".y");
                if (x.size() != y.size() || x.isEmpty()) {
                    throw error(at, "x and y must be non-empty and of equal length");
                }
                for (int k = 1; k < x.size(); k++) {
                    if (x.get(k) < x.get(k - 1) || y.get(k) < y.get(k - 1)) {
                        throw error(at, "x and y must be non-decreasing (isotonic); re-run ./cxr-triage calibrate");
                    }
                }
                yield new CalibrationSpec(method, 1, 0, x, y, version, fittedOn);
            }
        };
    }

    private Optional<OperatingPoint> operatingPoint(JsonNode node, String at) throws ManifestException {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        double threshold = number(node, at + ".threshold");
        if (!(threshold >= 0 && threshold <= 1)) {
            throw error(at + ".threshold", "is " + threshold + "; a threshold on a probability must be in [0, 1]");
        }
        return Optional.of(new OperatingPoint(threshold, node.path("targetSensitivity").asDouble(Double.NaN),
                node.path("sensitivity").asDouble(Double.NaN), optionalNumbers(node, "sensitivityCi95"),
                node.path("specificity").asDouble(Double.NaN), optionalNumbers(node, "specificityCi95"),
                node.path("positives").asInt(0), node.path("negatives").asInt(0)));
    }

    private <E extends Enum<E>> E choice(String value, String at, Class<E> type) throws ManifestException {
        String normalised = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E option : type.getEnumConstants()) {
            if (option.name().equals(normalised)) {
                return option;
            }
        }
        List<String> options = new ArrayList<>();
        for (E option : type.getEnumConstants()) {
            options.add(option.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw error(at, "is '" + value + "'; use one of " + String.join(", ", options));
    }

    private JsonNode object(JsonNode node, String at) throws ManifestException {
        JsonNode child = node.path(last(at));
        if (!child.isObject()) {
            throw error(at, child.isMissingNode() ? "is missing" : "must be an object");
        }
        return child;
    }

    private JsonNode array(JsonNode node, String at) throws ManifestException {
        JsonNode child = node.path(last(at));
        if (!child.isArray()) {
            throw error(at, child.isMissingNode() ? "is missing" : "must be a list");
        }
        return child;
    }

    private String text(JsonNode node, String at) throws ManifestException {
        JsonNode child = node.path(last(at));
        if (!child.isTextual() || child.asText().isBlank()) {
            throw error(at, child.isMissingNode() ? "is missing" : "must be a non-empty string");
        }
        return child.asText();
    }

    private double number(JsonNode node, String at) throws ManifestException {
        JsonNode child = node.path(last(at));
        if (!child.isNumber()) {
            throw error(at, child.isMissingNode() ? "is missing" : "must be a number");
        }
        return child.asDouble();
    }

    private int integer(JsonNode node, String at) throws ManifestException {
        JsonNode child = node.path(last(at));
        if (!child.isIntegralNumber()) {
            throw error(at, child.isMissingNode() ? "is missing" : "must be a whole number");
        }
        return child.asInt();
    }

    private boolean bool(JsonNode node, String at) throws ManifestException {
        JsonNode child = node.path(last(at));
        if (!child.isBoolean()) {
            throw error(at, child.isMissingNode() ? "is missing" : "must be true or false");
        }
        return child.asBoolean();
    }

    private List<Double> numbers(JsonNode node, String at) throws ManifestException {
        JsonNode list = array(node, at);
        List<Double> values = new ArrayList<>();
        for (JsonNode value : list) {
            if (!value.isNumber()) {
                throw error(at, "must contain only numbers");
            }
            values.add(value.asDouble());
        }
        return List.copyOf(values);
    }

    private static List<Double> optionalNumbers(JsonNode node, String name) {
        List<Double> values = new ArrayList<>();
        node.path(name).forEach(value -> values.add(value.asDouble()));
        return List.copyOf(values);
    }

    private static String last(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private ManifestException error(String field, String problem) {
        return new ManifestException(file + ": " + field + " " + problem);
    }
}
