package org.cxrtriage.models.preprocess;

import org.cxrtriage.models.manifest.ModelManifest.Crop;
import org.cxrtriage.models.manifest.ModelManifest.Normalisation;
import org.cxrtriage.models.manifest.ModelManifest.NormalisationMethod;
import org.cxrtriage.models.manifest.ModelManifest.Preprocessing;
import org.cxrtriage.models.manifest.ModelManifest.Window;
import org.cxrtriage.models.manifest.ModelManifest.WindowMethod;
import org.cxrtriage.models.reliability.ImageFacts;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** prepare() gives apply()'s input and measures the facts of what the model was given. */
class PreparedImageTest {

    private static final Preprocessing REFERENCE = new Preprocessing(160, 160, Crop.NONE,
            new Window(WindowMethod.PERCENTILE, 0.5, 99.5), new Normalisation(NormalisationMethod.RANGE, -1, 1, 0, 1));
    private static final Preprocessing MINMAX = new Preprocessing(160, 160, Crop.NONE,
            new Window(WindowMethod.MINMAX, 0, 100), new Normalisation(NormalisationMethod.RANGE, -1, 1, 0, 1));

    @Test
    void theInputIsExactlyApplysAndTheGeometryIsTheDecodedImages() {
        Random random = new Random(1);
        float[] pixels = new float[600 * 500];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextInt(4096);
        }
        Preprocessor preprocessor = new Preprocessor(REFERENCE);

        PreparedImage prepared = preprocessor.prepare(pixels, 600, 500, Optional.empty(), 0.7);

        assertArrayEquals(preprocessor.apply(pixels, 600, 500, Optional.empty()), prepared.input());
        ImageFacts facts = prepared.facts();
        assertEquals(500, facts.rows());
        assertEquals(600, facts.columns());
        assertEquals(1.2, facts.aspectRatio(), 1e-12);
        assertEquals(0.7, facts.pixelSpacingMm());
        assertTrue(Double.isNaN(preprocessor.prepare(pixels, 600, 500, Optional.empty()).facts().pixelSpacingMm()));
    }

    @Test
    void aHorizontalRampHasItsLevelsAsQuantilesAndIsItsOwnOppositeMirror() {
        float[] ramp = new float[160 * 160];
        for (int y = 0; y < 160; y++) {
            for (int x = 0; x < 160; x++) {
                ramp[y * 160 + x] = x;
            }
        }
        ImageFacts facts = new Preprocessor(MINMAX).prepare(ramp, 160, 160, Optional.empty()).facts();

        for (int i = 0; i < ImageFacts.QUANTILE_LEVELS.size(); i++) {
            double level = ImageFacts.QUANTILE_LEVELS.get(i);
            assertEquals(level, facts.quantiles().get(i), 1.0 / 159 + 1e-3, "quantile " + level);
        }
        assertEquals(0.5, facts.mean(), 1e-6);
        assertEquals(1.0 / 160, facts.saturatedLow(), 1e-9, "the first column is the window's low end");
        assertEquals(1.0 / 160, facts.saturatedHigh(), 1e-9);
        assertEquals(-1.0, facts.leftRightSymmetry(), 1e-6, "a ramp mirrored is its negative");
        assertEquals(0.0, facts.edgeEnergy(), 1e-5, "a linear ramp has no curvature");
        assertTrue(facts.gradientAnisotropy() < -5, "all change is horizontal: " + facts.gradientAnisotropy());
        assertEquals(2.0 / 3, facts.layout().centroidX(), 0.01, "brightness weighs towards the right");
        assertEquals(0.5, facts.layout().centroidY(), 1e-6);
        assertEquals(0.0, facts.layout().topMinusBottom(), 1e-6);
    }

    @Test
    void anUpsideDownImageHasItsBrightnessOnTop() {
        float[] image = new float[160 * 160];
        for (int y = 0; y < 160; y++) {
            for (int x = 0; x < 160; x++) {
                boolean lung = y > 30 && y < 110 && Math.abs(x - 80) > 15 && Math.abs(x - 80) < 60;
                image[y * 160 + x] = (lung ? 200 : 800) + (y > 110 ? 400 : 0);
            }
        }
        float[] flipped = new float[image.length];
        for (int y = 0; y < 160; y++) {
            System.arraycopy(image, y * 160, flipped, (159 - y) * 160, 160);
        }
        Preprocessor preprocessor = new Preprocessor(MINMAX);
        ImageFacts.Layout upright = preprocessor.prepare(image, 160, 160, Optional.empty()).facts().layout();
        ImageFacts.Layout upsideDown = preprocessor.prepare(flipped, 160, 160, Optional.empty()).facts().layout();

        assertTrue(upright.topMinusBottom() < 0 && upsideDown.topMinusBottom() > 0, upright + " " + upsideDown);
        assertTrue(upright.centroidY() > 0.5 && upsideDown.centroidY() < 0.5, upright + " " + upsideDown);
        assertTrue(upright.centreMinusSides() > 0.3, "mediastinum brighter than the lungs: " + upright);
    }

    @Test
    void aBlankImageIsAllSaturatedWithoutContrast() {
        ImageFacts facts = new Preprocessor(REFERENCE).prepare(new float[400 * 400], 400, 400, Optional.empty()).facts();
        assertEquals(1.0, facts.saturatedLow());
        assertEquals(0.0, facts.contrast());
        assertEquals(0.0, facts.leftRightSymmetry());
    }

    @Test
    void noiseRaisesEdgeEnergyAndTheMapUsesTheProfileKeys() {
        Random random = new Random(2);
        float[] smooth = new float[320 * 320];
        float[] noisy = new float[320 * 320];
        for (int y = 0; y < 320; y++) {
            for (int x = 0; x < 320; x++) {
                smooth[y * 320 + x] = (float) Math.sin(x / 40.0) * (float) Math.cos(y / 50.0);
                noisy[y * 320 + x] = smooth[y * 320 + x] + (float) random.nextGaussian();
            }
        }
        Preprocessor preprocessor = new Preprocessor(REFERENCE);
        ImageFacts calm = preprocessor.prepare(smooth, 320, 320, Optional.empty()).facts();
        ImageFacts rough = preprocessor.prepare(noisy, 320, 320, Optional.empty()).facts();

        assertTrue(rough.edgeEnergy() > 5 * calm.edgeEnergy(), calm.edgeEnergy() + " vs " + rough.edgeEnergy());
        assertEquals(calm.quantiles().get(4), calm.numeric().get("intensity.p50"));
        assertEquals(41, calm.numeric().size(), "4 geometry, 9 quantiles, 4 intensity, 3 texture, 5 layout facts and 16 grid cells");
    }
}
