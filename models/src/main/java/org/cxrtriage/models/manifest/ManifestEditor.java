package org.cxrtriage.models.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cxrtriage.models.manifest.ModelManifest.CalibrationSpec;
import org.cxrtriage.models.manifest.ModelManifest.OperatingPoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a new version of a manifest with new calibrations and operating points. The previous
 * manifest is kept beside it as {@code manifest-<old version>.json}; fields this class does not
 * know are preserved as they were.
 */
public final class ManifestEditor {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestEditor() {
    }

    /** What to set for one finding. */
    public record FindingUpdate(CalibrationSpec calibration, OperatingPoint operatingPoint) {
    }

    public static Path writeNewVersion(Path directory, String newVersion, Map<String, FindingUpdate> updates)
            throws IOException, ManifestException {
        Path file = directory.resolve(ManifestReader.FILE_NAME);
        ModelManifest old = ManifestReader.read(directory);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        root.put("version", newVersion);
        for (JsonNode node : root.withArray("findings")) {
            FindingUpdate update = updates.get(node.path("key").asText());
            if (update != null) {
                ((ObjectNode) node).set("calibration", calibration(update.calibration()));
                ((ObjectNode) node).set("operatingPoint", operatingPoint(update.operatingPoint()));
            }
        }
        Path archived = directory.resolve("manifest-" + old.version().replaceAll("[^A-Za-z0-9._+-]", "_") + ".json");
        Files.copy(file, archived, StandardCopyOption.REPLACE_EXISTING);
        Path temporary = directory.resolve(ManifestReader.FILE_NAME + ".new");
        JSON.writeValue(temporary.toFile(), root);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        ManifestReader.read(directory);
        return archived;
    }

    private static ObjectNode calibration(CalibrationSpec spec) {
        ObjectNode node = JSON.createObjectNode();
        node.put("method", spec.method().name().toLowerCase(Locale.ROOT));
        switch (spec.method()) {
            case PLATT -> {
                node.put("a", spec.a());
                node.put("b", spec.b());
            }
            case ISOTONIC -> {
                ArrayNode x = node.putArray("x");
                spec.x().forEach(x::add);
                ArrayNode y = node.putArray("y");
                spec.y().forEach(y::add);
            }
            default -> {
            }
        }
        node.put("version", spec.version());
        node.put("fittedOn", spec.fittedOn());
        return node;
    }

    private static ObjectNode operatingPoint(OperatingPoint point) {
        ObjectNode node = JSON.createObjectNode();
        node.put("threshold", point.threshold());
        node.put("targetSensitivity", point.targetSensitivity());
        node.put("sensitivity", point.sensitivity());
        ArrayNode sensitivityCi = node.putArray("sensitivityCi95");
        point.sensitivityCi95().forEach(sensitivityCi::add);
        node.put("specificity", point.specificity());
        ArrayNode specificityCi = node.putArray("specificityCi95");
        point.specificityCi95().forEach(specificityCi::add);
        node.put("positives", point.positives());
        node.put("negatives", point.negatives());
        return node;
    }
}
