package org.cxrtriage.models.reliability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the preprocessing saw of one image, for the reliability verdict and for drift monitoring.
 * Intensity and texture facts are measured on the resized image after the model's windowing, as
 * unit values in [0, 1] (0 = at or below the window's low end, 1 = at or above its high end), so
 * they describe exactly what the model was given, independent of the image's bit depth.
 *
 * @param rows              rows of the decoded image (before crop and resize)
 * @param columns           columns of the decoded image
 * @param pixelSpacingMm    mean of row and column spacing in mm; NaN when the header does not say
 * @param quantiles         windowed intensity at each of {@link #QUANTILE_LEVELS}
 * @param mean              mean windowed intensity
 * @param contrast          standard deviation of the windowed intensity
 * @param saturatedLow      fraction of pixels clipped to 0 by the window
 * @param saturatedHigh     fraction of pixels clipped to 1 by the window
 * @param edgeEnergy        mean absolute 4-neighbour Laplacian of the windowed image (noise, patterns)
 * @param leftRightSymmetry Pearson correlation of the windowed image with its mirror image, in [-1, 1]
 */
public record ImageFacts(int rows, int columns, double pixelSpacingMm, List<Double> quantiles, double mean,
                         double contrast, double saturatedLow, double saturatedHigh, double edgeEnergy,
                         double leftRightSymmetry) {

    /** The fixed quantile levels of {@link #quantiles}, as fractions. */
    public static final List<Double> QUANTILE_LEVELS = List.of(0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99);

    public ImageFacts {
        if (quantiles.size() != QUANTILE_LEVELS.size()) {
            throw new IllegalArgumentException("need " + QUANTILE_LEVELS.size() + " quantiles, got " + quantiles.size());
        }
        quantiles = List.copyOf(quantiles);
    }

    /** Columns divided by rows. */
    public double aspectRatio() {
        return rows == 0 ? Double.NaN : (double) columns / rows;
    }

    /**
     * Every fact by its profile key ({@code geometry.*}, {@code intensity.*}, {@code texture.*});
     * the same keys as {@link ReferenceProfile#numericReference()}. Unknown values are NaN.
     */
    public Map<String, Double> numeric() {
        Map<String, Double> facts = new LinkedHashMap<>();
        facts.put("geometry.rows", (double) rows);
        facts.put("geometry.columns", (double) columns);
        facts.put("geometry.aspectRatio", aspectRatio());
        facts.put("geometry.pixelSpacingMm", pixelSpacingMm);
        for (int i = 0; i < QUANTILE_LEVELS.size(); i++) {
            facts.put(quantileKey(QUANTILE_LEVELS.get(i)), quantiles.get(i));
        }
        facts.put("intensity.mean", mean);
        facts.put("intensity.contrast", contrast);
        facts.put("intensity.saturatedLow", saturatedLow);
        facts.put("intensity.saturatedHigh", saturatedHigh);
        facts.put("texture.edgeEnergy", edgeEnergy);
        facts.put("texture.leftRightSymmetry", leftRightSymmetry);
        return facts;
    }

    /** "intensity.p05" for 0.05. */
    static String quantileKey(double level) {
        return String.format("intensity.p%02d", Math.round(level * 100));
    }
}
