package org.cxrtriage.models.manifest;

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

    private String edit(Path model, String from, String to) throws Exception {
        Path manifest = model.resolve("manifest.json");
        String text = Files.readString(manifest);
        assertTrue(text.contains(from), "fixture contains " + from);
        Files.writeString(manifest, text.replaceFirst(java.util.regex.Pattern.quote(from), to));
        return text;
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
            "\"key\": \"pneumothorax\",|                        |findings[0].key is missing",
            "\"shape\": [-1, 1, 160, 160]|\"shape\": [-1, 160, 160]|input.shape must have 4 dimensions",
            "\"activation\": \"logits\"|\"activation\": \"softmax-ish\"|output.activation is 'softmax-ish'; use one of logits, probabilities",
            "\"method\": \"percentile\"|\"method\": \"histogram\"|preprocessing.window.method is 'histogram'; use one of voi, minmax, percentile",
            "\"schemaVersion\": 1|\"schemaVersion\": 7|schemaVersion is 7",
            "\"index\": 5|\"index\": 6|findings[5].index is 6; must be between 0 and output.size - 1 (5)"})
    void brokenFieldsAreNamed(String from, String to, String expected) throws Exception {
        Path model = model();
        edit(model, from, to == null ? "" : to);

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
