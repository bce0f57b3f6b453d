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
 * @param gradientAnisotropy ln(mean |vertical difference| / mean |horizontal difference|): ribs make a
 *                          chest's positive; a quarter turn flips its sign
 * @param layout            where the brightness lies (orientation, inversion, body part)
 */
public record ImageFacts(int rows, int columns, double pixelSpacingMm, List<Double> quantiles, double mean,
                         double contrast, double saturatedLow, double saturatedHigh, double edgeEnergy,
                         double leftRightSymmetry, double gradientAnisotropy, Layout layout) {

    /**
     * Coarse anatomy of the windowed image, all in unit intensity or fractions of the image size. A
     * frontal chest has its centroid a little below the middle (the abdomen is dense), a brighter
     * bottom than top, a mediastinum brighter than the lungs beside it and a body brighter than the
     * top and bottom edges; an upside-down, inverted or non-chest image breaks one of these.
     *
     * @param centroidX         intensity-weighted mean column / (width - 1); 0.5 for a blank image
     * @param centroidY         intensity-weighted mean row / (height - 1); 0.5 for a blank image
     * @param topMinusBottom    mean of the top third minus mean of the bottom third
     * @param centreMinusSides  mean of the central column band minus mean of the two lung-field bands,
     *                          over rows 19 % to 69 %
     * @param middleMinusBorder mean of the central square (25 % to 75 %) minus mean of the top and
     *                          bottom eighths
     * @param grid              mean of each cell of a {@value #GRID} x {@value #GRID} grid, row-major: a
     *                          thumbnail of the image's layout
     */
    public record Layout(double centroidX, double centroidY, double topMinusBottom, double centreMinusSides,
                         double middleMinusBorder, List<Double> grid) {

        public static final int GRID = 4;

        public Layout {
            if (grid.size() != GRID * GRID) {
                throw new IllegalArgumentException("the layout grid has " + GRID * GRID + " cells, got " + grid.size());
            }
            grid = List.copyOf(grid);
        }
    }

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
     * Every fact by its profile key ({@code geometry.*}, {@code intensity.*}, {@code texture.*},
     * {@code layout.*});
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
        facts.put("texture.gradientAnisotropy", gradientAnisotropy);
        facts.put("layout.centroidX", layout.centroidX());
        facts.put("layout.centroidY", layout.centroidY());
        facts.put("layout.topMinusBottom", layout.topMinusBottom());
        facts.put("layout.centreMinusSides", layout.centreMinusSides());
        facts.put("layout.middleMinusBorder", layout.middleMinusBorder());
        for (int cell = 0; cell < layout.grid().size(); cell++) {
            facts.put(gridKey(cell), layout.grid().get(cell));
        }
        return facts;
    }

    /** "layout.grid.r1c2" for the cell in row 1, column 2 (row-major index 6). */
    static String gridKey(int cell) {
        return "layout.grid.r" + cell / Layout.GRID + "c" + cell % Layout.GRID;
    }

    /** "intensity.p05" for 0.05. */
    static String quantileKey(double level) {
        return String.format("intensity.p%02d", Math.round(level * 100));
    }
}
