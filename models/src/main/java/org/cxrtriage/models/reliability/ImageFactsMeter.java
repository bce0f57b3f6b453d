package org.cxrtriage.models.reliability;

import java.util.ArrayList;
import java.util.List;

/**
 * Measures {@link ImageFacts} on the windowed model-sized image in four linear passes (histogram,
 * moments and centroid; gradients and Laplacian; mirror correlation; region means): about 0.1 ms
 * for 160 x 160. Quantiles come from a 2048-bin histogram, interpolated within the bin, so they
 * are exact to 1/2048.
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
                (double) high / n, edgeEnergy(unit, width, height), mirrorCorrelation(unit, width, height, mean, variance),
                gradientAnisotropy(unit, width, height), layout(unit, width, height, sum));
    }

    private static double gradientAnisotropy(float[] unit, int width, int height) {
        double vertical = 0;
        double horizontal = 0;
        for (int y = 0; y < height - 1; y++) {
            int row = y * width;
            for (int x = 0; x < width - 1; x++) {
                vertical += Math.abs(unit[row + width + x] - unit[row + x]);
                horizontal += Math.abs(unit[row + x + 1] - unit[row + x]);
            }
        }
        return Math.log((vertical + 1e-6) / (horizontal + 1e-6));
    }

    private static ImageFacts.Layout layout(float[] unit, int width, int height, double sum) {
        double weightedX = 0;
        double weightedY = 0;
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                weightedX += (double) x * unit[row + x];
                weightedY += (double) y * unit[row + x];
            }
        }
        double centroidX = sum > 0 ? weightedX / sum / (width - 1) : 0.5;
        double centroidY = sum > 0 ? weightedY / sum / (height - 1) : 0.5;
        double top = mean(unit, width, 0, height / 3, 0, width);
        double bottom = mean(unit, width, height - height / 3, height, 0, width);
        int from = (int) (height * 0.19);
        int to = (int) (height * 0.69);
        double centre = mean(unit, width, from, to, (int) (width * 0.4375), (int) (width * 0.5625));
        double sides = (mean(unit, width, from, to, (int) (width * 0.156), (int) (width * 0.375))
                + mean(unit, width, from, to, (int) (width * 0.625), (int) (width * 0.844))) / 2;
        double middle = mean(unit, width, height / 4, height - height / 4, width / 4, width - width / 4);
        double border = (mean(unit, width, 0, height / 8, 0, width) + mean(unit, width, height - height / 8, height, 0, width)) / 2;
        int cells = ImageFacts.Layout.GRID;
        List<Double> grid = new ArrayList<>();
        for (int r = 0; r < cells; r++) {
            for (int c = 0; c < cells; c++) {
                grid.add(mean(unit, width, r * height / cells, (r + 1) * height / cells, c * width / cells, (c + 1) * width / cells));
            }
        }
        return new ImageFacts.Layout(centroidX, centroidY, top - bottom, centre - sides, middle - border, grid);
    }

    /** Mean over rows [rowFrom, rowTo) and columns [columnFrom, columnTo). */
    private static double mean(float[] unit, int width, int rowFrom, int rowTo, int columnFrom, int columnTo) {
        double sum = 0;
        for (int y = rowFrom; y < rowTo; y++) {
            for (int x = columnFrom; x < columnTo; x++) {
                sum += unit[y * width + x];
            }
        }
        return sum / Math.max(1, (rowTo - rowFrom) * (columnTo - columnFrom));
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
