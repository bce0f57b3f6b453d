package org.cxrtriage.models.reliability;

import java.util.ArrayList;
import java.util.List;

/**
 * Measures {@link ImageFacts} on the windowed model-sized image in three linear passes (histogram
 * and moments, Laplacian, mirror correlation): about 0.1 ms for 160 x 160. Quantiles come from a
 * 2048-bin histogram, interpolated within the bin, so they are exact to 1/2048.
 */
public final class ImageFactsMeter {

    private static final int BINS = 2048;

    private ImageFactsMeter() {
    }

    /**
     * @param unit           windowed image, row-major {@code width x height}, every value in [0, 1]
     * @param rows           rows of the decoded image the unit image was made from
     * @param columns        columns of the decoded image
     * @param pixelSpacingMm NaN when unknown
     */
    public static ImageFacts measure(float[] unit, int width, int height, int rows, int columns, double pixelSpacingMm) {
        int[] histogram = new int[BINS];
        double sum = 0;
        double sumSquares = 0;
        int low = 0;
        int high = 0;
        for (float v : unit) {
            histogram[Math.min(BINS - 1, (int) (v * BINS))]++;
            sum += v;
            sumSquares += (double) v * v;
            low += v <= 0f ? 1 : 0;
            high += v >= 1f ? 1 : 0;
        }
        int n = unit.length;
        double mean = sum / n;
        double variance = Math.max(0, sumSquares / n - mean * mean);
        List<Double> quantiles = new ArrayList<>();
        for (double level : ImageFacts.QUANTILE_LEVELS) {
            quantiles.add(quantile(histogram, n, level));
        }
        return new ImageFacts(rows, columns, pixelSpacingMm, quantiles, mean, Math.sqrt(variance), (double) low / n,
                (double) high / n, edgeEnergy(unit, width, height), mirrorCorrelation(unit, width, height, mean, variance));
    }

    /** The value below which {@code level} of the pixels lie, linear within the histogram bin. */
    private static double quantile(int[] histogram, int n, double level) {
        double target = level * n;
        long cumulative = 0;
        for (int bin = 0; bin < histogram.length; bin++) {
            if (cumulative + histogram[bin] >= target && histogram[bin] > 0) {
                double within = (target - cumulative) / histogram[bin];
                return Math.min(1.0, (bin + within) / histogram.length);
            }
            cumulative += histogram[bin];
        }
        return 1.0;
    }

    private static double edgeEnergy(float[] unit, int width, int height) {
        double sum = 0;
        for (int y = 1; y < height - 1; y++) {
            int row = y * width;
            for (int x = 1; x < width - 1; x++) {
                int i = row + x;
                sum += Math.abs(4 * unit[i] - unit[i - 1] - unit[i + 1] - unit[i - width] - unit[i + width]);
            }
        }
        return sum / Math.max(1, (width - 2) * (height - 2));
    }

    /** Pearson correlation of the image with its left-right mirror; 0 for a constant image. */
    private static double mirrorCorrelation(float[] unit, int width, int height, double mean, double variance) {
        if (variance < 1e-12) {
            return 0;
        }
        double sum = 0;
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                sum += (unit[row + x] - mean) * (unit[row + width - 1 - x] - mean);
            }
        }
        return sum / unit.length / variance;
    }
}
