package org.cxrtriage.models.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cxrtriage.models.ReferenceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest's embedding and reliability sections: read when present, optional for older models, checked like the model file. */
class ManifestReliabilityTest {

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theShippedReferenceModelNamesItsEmbeddingAndItsProfile() throws Exception {
        ModelDirectory model = ModelDirectory.open(ReferenceModel.copyTo(dir.resolve("model")));

        ModelManifest.EmbeddingSpec embedding = model.manifest().embedding().orElseThrow();
        assertEquals("embedding", embedding.name());
        assertTrue(embedding.dimension() > 0);
        ModelManifest.ReliabilitySpec reliability = model.manifest().reliability().orElseThrow();
        assertEquals(model.manifest().version(), reliability.version());
        assertEquals(ModelDirectory.sha256(model.path().resolve(reliability.profileFile())), reliability.sha256());
        assertFalse(model.manifest().paritySamples().get(0).expectedEmbedding().isEmpty());
    }

    @Test
    void aTorchXrayVisionStyleManifestWithoutTheNewSectionsStillLoads() throws Exception {
        Path model = Files.createDirectories(dir.resolve("densenet"));
        Files.writeString(model.resolve("manifest.json"), """
                {"schemaVersion": 1, "id": "densenet121-res224-all", "version": "1.0",
                 "model": {"file": "model.onnx", "sha256": "%s"},
                 "input": {"name": "input", "shape": [-1, 1, 224, 224]},
                 "preprocessing": {"size": [224, 224], "crop": "center-square", "window": {"method": "minmax"},
                                   "normalisation": {"method": "range", "min": -1024, "max": 1024}},
                 "output": {"name": "output", "activation": "probabilities", "size": 18},
                 "findings": [{"index": 10, "key": "pneumothorax", "display": "Pneumothorax",
                               "code": {"system": "http://snomed.info/sct", "code": "36118008", "display": "Pneumothorax"},
                               "critical": true, "calibration": {"method": "none", "version": "uncalibrated"}}],
                 "intendedUse": "research", "notForClinicalUse": true}
                """.formatted("ab".repeat(32)));

        ModelManifest manifest = ManifestReader.read(model);

        assertTrue(manifest.embedding().isEmpty());
        assertTrue(manifest.reliability().isEmpty());
        assertTrue(manifest.paritySamples().isEmpty());
    }

    @Test
    void aProfileThatIsNotTheOneDescribedIsRefusedNamingFileFieldAndFix() throws Exception {
        Path model = ReferenceModel.copyTo(dir.resolve("model"));
        String profile = ManifestReader.read(model).reliability().orElseThrow().profileFile();
        Files.writeString(model.resolve(profile), " ", StandardOpenOption.APPEND);

        ManifestException error = assertThrows(ManifestException.class, () -> ModelDirectory.open(model));

        assertTrue(error.getMessage().startsWith(model.resolve(profile) + ": SHA-256 is "), error.getMessage());
        assertTrue(error.getMessage().contains("reliability.profile.sha256 says"), error.getMessage());
        assertTrue(error.getMessage().contains("run ./cxr-triage calibrate"), error.getMessage());
    }

    @Test
    void aMissingProfileIsRefused() throws Exception {
        Path model = ReferenceModel.copyTo(dir.resolve("model"));
        String profile = ManifestReader.read(model).reliability().orElseThrow().profileFile();
        Files.delete(model.resolve(profile));

        ManifestException error = assertThrows(ManifestException.class, () -> ModelDirectory.open(model));

        assertTrue(error.getMessage().contains(profile + ": not found; reliability.profile.file"), error.getMessage());
    }

    @Test
    void aProfileOfAnotherCalibrationIsRefused() throws Exception {
        Path model = ReferenceModel.copyTo(dir.resolve("model"));
        ObjectNode root = (ObjectNode) JSON.readTree(model.resolve("manifest.json").toFile());
        root.put("version", "9.9.9");
        JSON.writeValue(model.resolve("manifest.json").toFile(), root);

        ManifestException error = assertThrows(ManifestException.class, () -> ModelDirectory.open(model));

        assertTrue(error.getMessage().contains("reliability.profile.version is '"), error.getMessage());
        assertTrue(error.getMessage().contains("but the manifest is version '9.9.9'"), error.getMessage());
    }

    @Test
    void anEmbeddingNamedLikeTheMainOutputIsRefused() throws Exception {
        Path model = ReferenceModel.copyTo(dir.resolve("model"));
        ObjectNode root = (ObjectNode) JSON.readTree(model.resolve("manifest.json").toFile());
        ((ObjectNode) root.path("output").path("embedding")).put("name", "logits");
        JSON.writeValue(model.resolve("manifest.json").toFile(), root);

        ManifestException error = assertThrows(ManifestException.class, () -> ModelDirectory.open(model));

        assertTrue(error.getMessage().contains("output.embedding.name is 'logits', the same as output.name"),
                error.getMessage());
    }
}
