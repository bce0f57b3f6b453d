package org.cxrtriage.models.explain;

import org.cxrtriage.models.ReferenceModel;
import org.cxrtriage.models.TestFiles;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.registry.LoadedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Occlusion maps of the reference model on its own parity samples (preprocessed phantoms). */
class OcclusionSensitivityTest {

    @TempDir
    Path dir;

    @Test
    void patchesCoverTheInputFlushWithItsEdges() {
        var positions = OcclusionSensitivity.positions(160, 160, OcclusionSensitivity.Settings.standard());
        assertEquals(19 * 19, positions.size());
        assertEquals(144, positions.get(positions.size() - 1)[0]);
        assertEquals(4, OcclusionSensitivity.positions(20, 20, new OcclusionSensitivity.Settings(16, 8)).size(),
                "0 and 4 in each direction: the last patch ends at the edge");
    }

    @Test
    void hidingPartOfAScoredImageMovesItsScoresAndTheMapsSayWhere() throws Exception {
        try (LoadedModel model = LoadedModel.load(ModelDirectory.open(ReferenceModel.copyTo(dir)), SessionSettings.defaults())) {
            ModelManifest.ParitySample sample = model.manifest().paritySamples().get(0);
            float[] input = TestFiles.floats(model.directory().path().resolve(sample.input()));
            OcclusionSensitivity.compute(model, input, OcclusionSensitivity.Settings.standard()); // warm-up
            long start = System.nanoTime();
            OcclusionSensitivity.Maps maps = OcclusionSensitivity.compute(model, input, OcclusionSensitivity.Settings.standard());
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("occlusion sensitivity, reference model, 361 occlusions of 160x160: %d ms%n", millis);

            assertEquals(361, maps.occlusions());
            assertEquals(model.manifest().findings().size(), maps.drops().size());
            assertEquals(160 * 160, maps.drops().get(0).length);
            double largest = 0;
            for (int f = 0; f < maps.drops().size(); f++) {
                largest = Math.max(largest, Math.abs(maps.maxDrop(f)));
                for (float drop : maps.drops().get(f)) {
                    assertTrue(drop >= -1 && drop <= 1, "a drop of a probability is within [-1, 1]: " + drop);
                }
            }
            assertTrue(largest > 0.001, "hiding parts of a chest changes some finding's probability: " + largest);
            assertTrue(millis <= 2000, "the issue's budget for one heatmap on this machine is 2 s: " + millis + " ms");
        }
    }
}
