package org.cxrtriage.models.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cxrtriage.models.manifest.ModelManifest.CalibrationSpec;
import org.cxrtriage.models.manifest.ModelManifest.OperatingPoint;
import org.cxrtriage.models.manifest.ModelManifest.ReliabilitySpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a new version of a manifest with new calibrations and operating points and the reference
 * profile built with them. The previous manifest is kept beside it as
 * {@code manifest-<old version>.json} (its own profile file stays too); fields this class does not
 * know are preserved as they were.
 */
public final class ManifestEditor {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestEditor() {
    }

    /** What to set for one finding. */
    public record FindingUpdate(CalibrationSpec calibration, OperatingPoint operatingPoint) {
    }

    /** A new version without a reference profile: an older profile no longer matches and is dropped. */
    public static Path writeNewVersion(Path directory, String newVersion, Map<String, FindingUpdate> updates)
            throws IOException, ManifestException {
        return writeNewVersion(directory, newVersion, updates, Optional.empty());
    }

    /**
     * @param reliability the reference profile built with these calibrations (its version must be
     *                    {@code newVersion}); empty removes the reliability section
     */
    public static Path writeNewVersion(Path directory, String newVersion, Map<String, FindingUpdate> updates,
                                       Optional<ReliabilitySpec> reliability) throws IOException, ManifestException {
        Path file = directory.resolve(ManifestReader.FILE_NAME);
        ModelManifest old = ManifestReader.read(directory);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        root.put("version", newVersion);
        if (reliability.isPresent()) {
            ReliabilitySpec spec = reliability.get();
            root.putObject("reliability").putObject("profile").put("file", spec.profileFile()).put("sha256", spec.sha256())
                    .put("version", spec.version());
        } else {
            root.remove("reliability");
        }
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
        ModelDirectory.open(directory);
        return archived;
    }

    /** The manifest as it will read once {@code updates} are written (in memory; nothing is written). */
    public static ModelManifest withUpdates(ModelManifest manifest, Map<String, FindingUpdate> updates) {
        return manifest.withFindings(manifest.findings().stream().map(f -> updates.containsKey(f.key())
                ? new ModelManifest.Finding(f.index(), f.key(), f.display(), f.code(), f.critical(), f.severityWeight(),
                        updates.get(f.key()).calibration(), Optional.of(updates.get(f.key()).operatingPoint()))
                : f).toList());
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
