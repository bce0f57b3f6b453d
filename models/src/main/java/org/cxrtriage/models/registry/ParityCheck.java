package org.cxrtriage.models.registry;

import org.cxrtriage.models.inference.RawOutput;
import org.cxrtriage.models.manifest.ManifestException;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.manifest.ModelManifest.ParitySample;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a model's parity samples (preprocessed inputs with the outputs, and embeddings when recorded,
 * that its authors measured) and reports the largest difference, so a hospital can prove the model
 * runs here as it ran there.
 */
public final class ParityCheck {

    /** The outcome: one line per sample and whether all are within the tolerance. */
    public record Result(double largestDifference, double tolerance, List<String> lines) {
        public boolean passed() {
            return largestDifference <= tolerance;
        }
    }

    private ParityCheck() {
    }

    public static Result run(LoadedModel model) throws ManifestException {
        ModelManifest manifest = model.manifest();
        if (manifest.paritySamples().isEmpty()) {
            throw new ManifestException(model.directory().path().resolve("manifest.json")
                    + ": parity.samples is empty; add preprocessed inputs with their expected outputs to verify the model");
        }
        double largest = 0;
        List<String> lines = new ArrayList<>();
        for (ParitySample sample : manifest.paritySamples()) {
            float[] input = readFloats(model.directory().path().resolve(sample.input()), manifest);
            RawOutput actual = model.run(input).join();
            double worst = largestDifference(actual.outputs(), sample.expectedOutputs());
            String embedding = "";
            if (!sample.expectedEmbedding().isEmpty()) {
                double embeddingWorst = actual.embedding().map(e -> largestDifference(e, sample.expectedEmbedding()))
                        .orElse(Double.POSITIVE_INFINITY);
                embedding = String.format(", embedding %.3g", embeddingWorst);
                worst = Math.max(worst, embeddingWorst);
            }
            largest = Math.max(largest, worst);
            lines.add(String.format("%-28s largest difference %.3g%s", sample.input(), worst, embedding));
        }
        return new Result(largest, manifest.parityTolerance(), lines);
    }

    private static double largestDifference(float[] actual, List<Double> expected) {
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected.get(i)));
        }
        return worst;
    }

    static float[] readFloats(Path file, ModelManifest manifest) throws ManifestException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ManifestException(file + ": parity sample cannot be read: " + e.getMessage(), e);
        }
        int expected = manifest.input().height() * manifest.input().width();
        if (bytes.length != expected * 4) {
            throw new ManifestException(file + ": parity sample has " + bytes.length / 4 + " floats; the input is "
                    + manifest.input().width() + "x" + manifest.input().height() + " = " + expected);
        }
        float[] values = new float[expected];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }
}
