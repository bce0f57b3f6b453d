package org.cxrtriage.models.explain;

import org.cxrtriage.models.registry.FindingScore;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelScore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a model's score changes when part of its input is hidden (occlusion sensitivity, Zeiler
 * and Fergus 2014), for any model: a square patch filled with the input's mean slides over the
 * preprocessed image the model scored; each occluded copy is scored through the model (its
 * micro-batcher batches them) and, per finding, the drop of the calibrated probability is
 * spread over the pixels the patch hid. The result says where hiding the image lowers the score,
 * not where a finding is: it is no diagnosis and no segmentation.
 */
public final class OcclusionSensitivity {

    /** Patch side and stride in model-input pixels. */
    public record Settings(int patch, int stride) {
        public Settings {
            if (patch < 1 || stride < 1 || stride > patch) {
                throw new IllegalArgumentException("occlusion patch and stride must be positive, stride at most the patch");
            }
        }

        /** 16-pixel patches every 8 pixels: 361 scorings for a 160x160 input. */
        public static Settings standard() {
            return new Settings(16, 8);
        }
    }

    /**
     * One map per finding, in the manifest's order: {@code width x height} row-major values, each
     * the mean drop of the calibrated probability (baseline minus occluded, in [-1, 1]) over the
     * patches that covered the pixel.
     *
     * @param baseline the calibrated probability of each finding without occlusion
     */
    public record Maps(int width, int height, List<String> findingKeys, List<float[]> drops, double[] baseline,
                       int occlusions) {

        /** The largest drop in one finding's map (0 when hiding nothing lowers it). */
        public double maxDrop(int finding) {
            double max = 0;
            for (float value : drops.get(finding)) {
                max = Math.max(max, value);
            }
            return max;
        }
    }

    /** Occluded copies queued at once: keeps the batcher full without holding every copy in memory. */
    private static final int IN_FLIGHT = 64;

    private OcclusionSensitivity() {
    }

    /** @param input the preprocessed image as the model scored it (one channel, the manifest's size) */
    public static Maps compute(LoadedModel model, float[] input, Settings settings) {
        int width = model.manifest().preprocessing().width();
        int height = model.manifest().preprocessing().height();
        if (input.length != width * height) {
            throw new IllegalArgumentException("input has " + input.length + " values, the model takes " + width + "x" + height);
        }
        float fill = mean(input);
        List<int[]> positions = positions(width, height, settings);
        CompletableFuture<ModelScore> baselineScore = model.score(input);
        List<ModelScore> occluded = new ArrayList<>(positions.size());
        for (int from = 0; from < positions.size(); from += IN_FLIGHT) {
            List<CompletableFuture<ModelScore>> batch = new ArrayList<>();
            for (int[] at : positions.subList(from, Math.min(positions.size(), from + IN_FLIGHT))) {
                batch.add(model.score(occlude(input, width, at[0], at[1], settings.patch(), fill)));
            }
            for (CompletableFuture<ModelScore> score : batch) {
                occluded.add(score.join());
            }
        }
        List<FindingScore> base = baselineScore.join().findings();
        int findings = base.size();
        double[] baseline = base.stream().mapToDouble(FindingScore::probability).toArray();
        float[][] sums = new float[findings][width * height];
        int[] covered = new int[width * height];
        for (int p = 0; p < positions.size(); p++) {
            int[] at = positions.get(p);
            List<FindingScore> scores = occluded.get(p).findings();
            for (int y = at[1]; y < Math.min(height, at[1] + settings.patch()); y++) {
                for (int x = at[0]; x < Math.min(width, at[0] + settings.patch()); x++) {
                    int i = y * width + x;
                    covered[i]++;
                    for (int f = 0; f < findings; f++) {
                        sums[f][i] += (float) (baseline[f] - scores.get(f).probability());
                    }
                }
            }
        }
        List<float[]> drops = new ArrayList<>();
        for (int f = 0; f < findings; f++) {
            for (int i = 0; i < covered.length; i++) {
                sums[f][i] = covered[i] == 0 ? 0 : sums[f][i] / covered[i];
            }
            drops.add(sums[f]);
        }
        return new Maps(width, height, base.stream().map(FindingScore::key).toList(), drops, baseline, positions.size());
    }

    /** Top-left corners of every patch, the last row and column flush with the edge. */
    static List<int[]> positions(int width, int height, Settings settings) {
        List<int[]> positions = new ArrayList<>();
        for (int y : starts(height, settings)) {
            for (int x : starts(width, settings)) {
                positions.add(new int[] {x, y});
            }
        }
        return positions;
    }

    private static List<Integer> starts(int size, Settings settings) {
        List<Integer> starts = new ArrayList<>();
        int last = Math.max(0, size - settings.patch());
        for (int s = 0; s < last; s += settings.stride()) {
            starts.add(s);
        }
        starts.add(last);
        return starts;
    }

    private static float[] occlude(float[] input, int width, int x0, int y0, int patch, float fill) {
        float[] copy = input.clone();
        int height = input.length / width;
        for (int y = y0; y < Math.min(height, y0 + patch); y++) {
            java.util.Arrays.fill(copy, y * width + x0, y * width + Math.min(width, x0 + patch), fill);
        }
        return copy;
    }

    private static float mean(float[] values) {
        double sum = 0;
        for (float value : values) {
            sum += value;
        }
        return (float) (sum / values.length);
    }
}
