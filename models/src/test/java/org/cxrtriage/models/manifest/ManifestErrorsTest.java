package org.cxrtriage.models.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cxrtriage.models.ReferenceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken manifests and model files are refused with a message that names the field and the fix. */
class ManifestErrorsTest {

    @TempDir
    Path dir;

    private Path model() throws Exception {
        return ReferenceModel.copyTo(dir.resolve("model"));
    }

    /** Sets (or, for a null value, removes) the field at a JSON pointer in the model's manifest. */
    private static void edit(Path model, String pointer, String jsonValue) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path manifest = model.resolve("manifest.json");
        JsonNode root = json.readTree(manifest.toFile());
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        String field = pointer.substring(slash + 1);
        assertTrue(parent.isObject() && parent.has(field), "fixture has " + pointer);
        if (jsonValue == null) {
            ((ObjectNode) parent).remove(field);
        } else {
            ((ObjectNode) parent).set(field, json.readTree(jsonValue));
        }
        json.writeValue(manifest.toFile(), root);
    }

    @Test
    void theShippedManifestIsValid() throws Exception {
        ModelDirectory model = ModelDirectory.open(model());
        assertEquals("cxr-reference", model.manifest().id());
        assertEquals(6, model.manifest().findings().size());
    }

    @Test
    void wrongSha256IsRefused() throws Exception {
        Path model = model();
        Files.write(model.resolve("model.onnx"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        ManifestException error = assertThrows(ManifestException.class, () -> ModelDirectory.open(model));

        assertTrue(error.getMessage().contains("model.onnx: SHA-256 is "), error.getMessage());
        assertTrue(error.getMessage().contains("is not the model the manifest describes"), error.getMessage());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
            "/findings/0/key|                          |findings[0].key is missing",
            "/input/shape|[-1, 160, 160]|input.shape must have 4 dimensions",
            "/output/activation|\"softmax-ish\"|output.activation is 'softmax-ish'; use one of logits, probabilities",
            "/preprocessing/window/method|\"histogram\"|preprocessing.window.method is 'histogram'; use one of voi, minmax, percentile",
            "/schemaVersion|7|schemaVersion is 7",
            "/findings/5/index|6|findings[5].index is 6; must be between 0 and output.size - 1 (5)",
            "/findings/2/calibration/method|\"cubic\"|findings[2].calibration.method is 'cubic'; use one of none, platt, isotonic"})
    void brokenFieldsAreNamed(String pointer, String value, String expected) throws Exception {
        Path model = model();
        edit(model, pointer, value);

        ManifestException error = assertThrows(ManifestException.class, () -> ModelDirectory.open(model));

        assertTrue(error.getMessage().contains("manifest.json: " + expected), error.getMessage());
    }

    @Test
    void invalidJsonNamesTheLine() throws Exception {
        Path model = model();
        Files.writeString(model.resolve("manifest.json"), "{\n  \"id\": \"x\",\n  oops\n}");

        ManifestException error = assertThrows(ManifestException.class, () -> ModelDirectory.open(model));

        assertTrue(error.getMessage().contains("not valid JSON at line 3"), error.getMessage());
    }
}
