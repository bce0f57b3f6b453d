package org.cxrtriage.models.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.models.TestFiles;
import org.cxrtriage.models.manifest.ModelManifest.Crop;
import org.cxrtriage.models.manifest.ModelManifest.Normalisation;
import org.cxrtriage.models.manifest.ModelManifest.NormalisationMethod;
import org.cxrtriage.models.manifest.ModelManifest.Preprocessing;
import org.cxrtriage.models.manifest.ModelManifest.Window;
import org.cxrtriage.models.manifest.ModelManifest.WindowMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Preprocessing against golden values computed independently with numpy (golden/make_golden.py:
 * area averaging as a dense overlap matrix, numpy.percentile).
 */
class PreprocessorGoldenTest {

    static List<JsonNode> cases() throws Exception {
        List<JsonNode> cases = new ArrayList<>();
        new ObjectMapper().readTree(PreprocessorGoldenTest.class.getResourceAsStream("/golden/cases.json"))
                .forEach(cases::add);
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesNumpy(JsonNode testCase) {
        String name = testCase.get("name").asText();
        int sourceHeight = testCase.get("source").get(0).asInt();
        int sourceWidth = testCase.get("source").get(1).asInt();
        JsonNode window = testCase.get("window");
        JsonNode norm = testCase.get("normalisation");
        WindowMethod method = WindowMethod.valueOf(window.get("method").asText().toUpperCase());
        Normalisation normalisation = norm.get("method").asText().equals("range")
                ? new Normalisation(NormalisationMethod.RANGE, norm.get("min").asDouble(), norm.get("max").asDouble(), 0, 1)
                : new Normalisation(NormalisationMethod.MEAN_STD, 0, 1, norm.get("mean").asDouble(), norm.get("std").asDouble());
        Preprocessing spec = new Preprocessing(testCase.get("width").asInt(), testCase.get("height").asInt(),
                testCase.get("crop").asText().equals("center-square") ? Crop.CENTER_SQUARE : Crop.NONE,
                new Window(method, window.path("low").asDouble(0), window.path("high").asDouble(100)), normalisation);
        Optional<double[]> voi = method == WindowMethod.VOI
                ? Optional.of(new double[] {window.get("center").asDouble(), window.get("width").asDouble()})
                : Optional.empty();

        float[] actual = new Preprocessor(spec).apply(TestFiles.floats("/golden/" + name + ".input.f32"),
                sourceWidth, sourceHeight, voi);

        float[] expected = TestFiles.floats("/golden/" + name + ".expected.f32");
        assertEquals(expected.length, actual.length);
        double span = normalisation.method() == NormalisationMethod.RANGE ? normalisation.max() - normalisation.min()
                : 1 / normalisation.std();
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 2e-4 * span) {
                fail(name + ": pixel " + i + " is " + actual[i] + ", numpy says " + expected[i]);
            }
        }
    }

    @Test
    void integerFactorIsThePlainBlockMean() {
        float[] image = {1, 3, 5, 7, 2, 4, 6, 8, 10, 10, 0, 0, 10, 10, 0, 0};
        assertArrayEquals(new float[] {2.5f, 6.5f, 10f, 0f}, AreaResize.resize(image, 4, 4, 2, 2), 1e-6f);
    }

    @Test
    void percentileInterpolatesLikeNumpy() {
        assertEquals(1.03, OrderStatistics.percentile(new float[] {4, 2, 1, 3}, 1), 1e-9);
        assertEquals(2.5, OrderStatistics.percentile(new float[] {4, 2, 1, 3}, 50), 1e-9);
        assertEquals(4, OrderStatistics.percentile(new float[] {4, 2, 1, 3}, 100), 1e-9);
        assertEquals(7, OrderStatistics.percentile(new float[] {7}, 99.5), 1e-9);
    }
}
