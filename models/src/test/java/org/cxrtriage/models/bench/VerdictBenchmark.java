package org.cxrtriage.models.bench;

import org.cxrtriage.models.inference.Device;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.preprocess.PreparedImage;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelScore;
import org.cxrtriage.models.reliability.HeaderFacts;
import org.cxrtriage.models.reliability.ImageFactsMeter;
import org.cxrtriage.models.reliability.Observation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The reliability verdict's cost per study, beside the inference benchmark: measuring the image
 * facts on the model-sized windowed image (what prepare() adds to apply()) and judging one
 * observation against the model's reference profile. Prints medians; the goal is <= 2 ms in all.
 */
final class VerdictBenchmark {

    private static final int STUDIES = 40;
    private static final int ROUNDS = 25;

    private VerdictBenchmark() {
    }

    static void run(ModelDirectory directory, int threads) {
        SessionSettings settings = new SessionSettings(Device.CPU, threads, 1, Duration.ZERO);
        try (LoadedModel model = LoadedModel.load(directory, settings)) {
            Random random = new Random(11);
            List<Observation> observations = new ArrayList<>();
            List<float[]> units = new ArrayList<>();
            for (int i = 0; i < STUDIES; i++) {
                float[] pixels = phantomLike(random, 512, 512);
                PreparedImage prepared = model.preprocessor().prepare(pixels, 512, 512, Optional.empty(), 0.7);
                ModelScore score = model.score(prepared.input()).join();
                observations.add(new Observation(prepared.facts(), new HeaderFacts("CR", "MONOCHROME2", 12,
                        "benchmark", "", "PA", "CHEST"), score.embedding(), score.findings()));
                float[] unit = new float[prepared.input().length];
                for (int k = 0; k < unit.length; k++) {
                    unit[k] = (prepared.input()[k] + 1) / 2;
                }
                units.add(unit);
            }
            int width = directory.manifest().input().width();
            int height = directory.manifest().input().height();
            double[] facts = new double[STUDIES * ROUNDS];
            double[] judge = new double[STUDIES * ROUNDS];
            double[] total = new double[STUDIES * ROUNDS];
            for (int round = -5; round < ROUNDS; round++) {
                for (int i = 0; i < STUDIES; i++) {
                    long start = System.nanoTime();
                    ImageFactsMeter.measure(units.get(i), width, height, 512, 512, 0.7);
                    long measured = System.nanoTime();
                    model.judge(observations.get(i));
                    long judged = System.nanoTime();
                    if (round >= 0) {
                        int k = round * STUDIES + i;
                        facts[k] = (measured - start) / 1e6;
                        judge[k] = (judged - measured) / 1e6;
                        total[k] = (judged - start) / 1e6;
                    }
                }
            }
            System.out.printf("reliability verdict per study (%s, profile %s): median %.3f ms, p90 %.3f ms"
                            + " (image facts %.3f ms + judging %.3f ms at the median); goal <= 2 ms%n",
                    directory.manifest().id(), model.referenceProfile().map(p -> "present").orElse("absent"),
                    median(total), quantile(total, 0.9), median(facts), median(judge));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot load " + directory.path() + ": " + e.getMessage(), e);
        }
    }

    /** A smooth body-like blob with noise, so the facts and the embedding are not degenerate. */
    private static float[] phantomLike(Random random, int width, int height) {
        float[] pixels = new float[width * height];
        double cx = width / 2.0 + random.nextGaussian() * 10;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double u = (x - cx) / (width * 0.4);
                double v = (y - height * 0.55) / (height * 0.5);
                double body = Math.max(0, 1 - u * u * u * u - v * v);
                pixels[y * width + x] = (float) (1000 * body + 200 * random.nextGaussian() + 500);
            }
        }
        return pixels;
    }

    private static double median(double[] values) {
        return quantile(values, 0.5);
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }
}
