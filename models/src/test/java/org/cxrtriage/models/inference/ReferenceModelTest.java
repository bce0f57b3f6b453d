package org.cxrtriage.models.inference;

import org.cxrtriage.models.ReferenceModel;
import org.cxrtriage.models.TestFiles;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelScore;
import org.cxrtriage.models.registry.ParityCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped reference model, run through DJL and ONNX Runtime. */
class ReferenceModelTest {

    @TempDir
    Path dir;

    @Test
    void javaOutputsMatchThePythonOutputsInTheParitySamples() throws Exception {
        try (LoadedModel model = LoadedModel.load(ModelDirectory.open(ReferenceModel.copyTo(dir)), SessionSettings.defaults())) {
            ParityCheck.Result result = ParityCheck.run(model);
            assertTrue(result.passed(), "largest difference " + result.largestDifference() + "\n" + result.lines());
            assertEquals(4, result.lines().size());
        }
    }

    @Test
    void theEmbeddingOutputMatchesTorchWithin1e4() throws Exception {
        try (LoadedModel model = LoadedModel.load(ModelDirectory.open(ReferenceModel.copyTo(dir)), SessionSettings.defaults())) {
            for (ModelManifest.ParitySample sample : model.manifest().paritySamples()) {
                float[] input = TestFiles.floats(model.directory().path().resolve(sample.input()));
                float[] embedding = model.run(input).join().embedding().orElseThrow();
                assertEquals(model.manifest().embedding().orElseThrow().dimension(), embedding.length);
                assertEquals(sample.expectedEmbedding().size(), embedding.length);
                for (int i = 0; i < embedding.length; i++) {
                    assertEquals(sample.expectedEmbedding().get(i), embedding[i], 1e-4, sample.input() + " feature " + i);
                }
            }
        }
    }

    @Test
    void cudaRequestedWithoutCudaFallsBackToCpuAndSaysSo() throws Exception {
        SessionSettings cuda = new SessionSettings(Device.CUDA, 1, 4, Duration.ofMillis(2));
        try (LoadedModel model = LoadedModel.load(ModelDirectory.open(ReferenceModel.copyTo(dir)), cuda)) {
            assertEquals(Device.CPU, model.device().actual());
            assertTrue(model.device().fellBack());
            assertTrue(model.device().note().startsWith("CUDA unavailable"), model.device().note());
            ModelScore score = model.score(new float[160 * 160]).join();
            assertEquals(6, score.findings().size(), "still scores on the CPU");
        }
    }

    @Test
    void scoresCarryTheModelIdentityAndCalibratedProbabilities() throws Exception {
        try (LoadedModel model = LoadedModel.load(ModelDirectory.open(ReferenceModel.copyTo(dir)), SessionSettings.defaults())) {
            ModelScore score = model.score(new float[160 * 160]).join();

            assertEquals("cxr-reference", score.modelId());
            assertEquals(model.manifest().sha256(), score.modelSha256());
            assertTrue(score.notForClinicalUse());
            assertFalse(score.findings().isEmpty());
            score.findings().forEach(finding -> {
                assertTrue(finding.probability() >= 0 && finding.probability() <= 1, finding.toString());
                assertFalse(finding.calibrationVersion().isBlank());
            });
        }
    }
}
