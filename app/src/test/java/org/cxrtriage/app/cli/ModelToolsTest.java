package org.cxrtriage.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.models.registry.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** model verify and calibrate as hospital IT runs them, in their own JVM. */
class ModelToolsTest {

    @TempDir
    Path dir;

    record Run(int exitCode, String output) {
    }

    private Run cli(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.cxrtriage.app.cli.TriageCli"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor(300, TimeUnit.SECONDS);
        return new Run(process.exitValue(), output);
    }

    @Test
    void verifyPassesForTheReferenceModelAndFailsForATamperedParitySample() throws Exception {
        Path model = BundledModels.extractReference(Files.createDirectories(dir.resolve("model")));

        Run good = cli("model", "verify", model.toString());
        assertEquals(0, good.exitCode(), good.output());
        assertTrue(good.output().contains(": OK"), good.output());

        Path manifest = model.resolve("manifest.json");
        ObjectMapper json = new ObjectMapper();
        JsonNode root = json.readTree(manifest.toFile());
        com.fasterxml.jackson.databind.node.ArrayNode expected = (com.fasterxml.jackson.databind.node.ArrayNode)
                root.get("parity").get("samples").get(0).get("expectedOutputs");
        expected.set(0, expected.get(0).asDouble() + 0.5);
        json.writeValue(manifest.toFile(), root);
        Run bad = cli("model", "verify", model.toString());
        assertEquals(1, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("FAILED"), bad.output());
    }

    @Test
    void verifyNamesTheProblemForAMissingModel() throws Exception {
        Run missing = cli("model", "verify", dir.resolve("nothing-here").toString());
        assertEquals(2, missing.exitCode(), missing.output());
        assertTrue(missing.output().contains("manifest.json: not found"), missing.output());
    }

    @Test
    void calibrateWritesANewManifestVersionWithItsReferenceProfileKeepsTheOldOneAndDrawsDiagrams() throws Exception {
        Path images = dir.resolve("images");
        Process generator = new ProcessBuilder("/usr/bin/python3", Path.of("..", "models", "reference", "make_dicom_set.py")
                .toAbsolutePath().normalize().toString(), "--out", images.toString(), "--count", "80", "--size", "256",
                "--seed", "3").redirectErrorStream(true).start();
        String generated = new String(generator.getInputStream().readAllBytes());
        assertEquals(0, generator.waitFor(), generated);
        Path data = dir.resolve("data");

        Run run = cli("calibrate", "--model", "cxr-reference", "--images", images.toString(),
                "--labels", images.resolve("labels.csv").toString(), "--data-dir", data.toString());

        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("finding"), run.output());
        Path modelDir = data.resolve("models/cxr-reference");
        JsonNode manifest = new ObjectMapper().readTree(modelDir.resolve("manifest.json").toFile());
        String bundledVersion = new ObjectMapper().readTree(BundledModels.class.getResourceAsStream(
                "/org/cxrtriage/models/reference/manifest.json")).get("version").asText().replaceAll("\\+cal\\..*$", "");
        String version = manifest.get("version").asText();
        assertTrue(version.startsWith(bundledVersion + "+cal."), version);
        try (var archived = Files.list(modelDir)) {
            assertEquals(1, archived.filter(p -> p.getFileName().toString().matches("manifest-" + bundledVersion.replace(".", "\\.")
                    + ".*\\.json")).count(), "the previous manifest is kept");
        }
        JsonNode profileRef = manifest.get("reliability").get("profile");
        assertEquals(version, profileRef.get("version").asText());
        Path profileFile = modelDir.resolve(profileRef.get("file").asText());
        assertEquals(org.cxrtriage.models.manifest.ModelDirectory.sha256(profileFile), profileRef.get("sha256").asText());
        org.cxrtriage.models.reliability.ReferenceProfile profile =
                org.cxrtriage.models.reliability.ReferenceProfile.read(profileFile);
        assertEquals(80, profile.studyCount(), "built from the same labelled studies");
        assertEquals(version, profile.version());
        assertTrue(profile.embedding().isPresent(), "the reference model names an embedding output");
        assertEquals(80L, profile.categoricalReference().get("header.modality").get("CR"));
        assertTrue(run.output().contains("reference profile " + profileRef.get("file").asText()), run.output());
        JsonNode first = manifest.get("findings").get(0);
        assertTrue(List.of("platt", "isotonic").contains(first.get("calibration").get("method").asText()));
        assertTrue(first.get("operatingPoint").get("sensitivity").asDouble() >= 0.95);
        try (var reports = Files.list(modelDir)) {
            Path report = reports.filter(p -> p.getFileName().toString().startsWith("calibration-")).findFirst().orElseThrow();
            assertTrue(Files.size(report.resolve("pneumothorax.png")) > 5_000);
            assertTrue(Files.readString(report.resolve("report.txt")).contains("pneumothorax"));
        }
        Run verify = cli("model", "verify", modelDir.toString());
        assertEquals(0, verify.exitCode(), "calibration leaves the model itself unchanged: " + verify.output());
    }
}
