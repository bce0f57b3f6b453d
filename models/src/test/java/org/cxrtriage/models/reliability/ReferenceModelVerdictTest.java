package org.cxrtriage.models.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.models.ReferenceModel;
import org.cxrtriage.models.TestFiles;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.preprocess.PreparedImage;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelScore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped reference model and its profile, run for real (ONNX Runtime, preprocessing, Java
 * verdict) on committed samples (resources/reliability, made by make_verdict_samples.py): held-out
 * in-distribution phantoms are trusted, deliberately shifted images are not.
 */
class ReferenceModelVerdictTest {

    @TempDir
    static Path dir;
    private static LoadedModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LoadedModel.load(ModelDirectory.open(ReferenceModel.copyTo(dir.resolve("model"))), SessionSettings.defaults());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static List<JsonNode> samples() throws Exception {
        List<JsonNode> samples = new ArrayList<>();
        new ObjectMapper().readTree(ReferenceModelVerdictTest.class.getResourceAsStream("/reliability/samples.json"))
                .forEach(samples::add);
        return samples;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void inDistributionSamplesAreTrustedAndShiftedOnesAreNot(JsonNode sample) {
        float[] pixels = TestFiles.floats("/reliability/" + sample.get("file").asText());
        PreparedImage prepared = model.preprocessor().prepare(pixels, sample.get("width").asInt(),
                sample.get("height").asInt(), Optional.empty(), 0.7);
        ModelScore score = model.score(prepared.input()).join();
        assertTrue(score.embedding().isPresent(), "the reference model returns its embedding");
        HeaderFacts chest = new HeaderFacts("CR", "MONOCHROME2", 12, "cxr-triage synthetic phantom", "", "PA", "CHEST");

        Verdict verdict = model.judge(new Observation(prepared.facts(), chest, score.embedding(), score.findings()));

        boolean expected = sample.get("reliable").asBoolean();
        assertEquals(expected, verdict.reliable(), sample.get("kind").asText() + ": " + verdict);
        assertEquals(expected, verdict.reason().isEmpty(), verdict.reason());
        assertEquals(expected, verdict.score() < 1.0, "score " + verdict.score());
    }
}
