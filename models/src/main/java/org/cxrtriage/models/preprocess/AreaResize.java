package org.cxrtriage.models.preprocess;

/**
 * Exact area-average resampling: each output pixel is the mean of the source area it covers,
 * with partial source pixels weighted by their overlap. Separable (rows, then columns), so a
 * 3000x2500 image is resized in a few milliseconds. Works for enlarging too (then it is box
 * interpolation).
 */
public final class AreaResize {

    private AreaResize() {
    }

    /** Resizes a row-major {@code width x height} image to {@code newWidth x newHeight}. */
    public static float[] resize(float[] source, int width, int height, int newWidth, int newHeight) {
        Weights columns = Weights.of(width, newWidth);
        Weights rows = Weights.of(height, newHeight);
        float[] horizontal = new float[height * newWidth];
        for (int y = 0; y < height; y++) {
            int sourceRow = y * width;
            int targetRow = y * newWidth;
            for (int x = 0; x < newWidth; x++) {
                double sum = 0;
                for (int k = columns.start[x]; k < columns.end[x]; k++) {
                    sum += source[sourceRow + columns.first[x] + k - columns.start[x]] * columns.weight[k];
                }
                horizontal[targetRow + x] = (float) sum;
            }
        }
        float[] result = new float[newHeight * newWidth];
        double[] accumulator = new double[newWidth];
        for (int y = 0; y < newHeight; y++) {
            java.util.Arrays.fill(accumulator, 0);
            for (int k = rows.start[y]; k < rows.end[y]; k++) {
                int sourceRow = (rows.first[y] + k - rows.start[y]) * newWidth;
                double w = rows.weight[k];
                for (int x = 0; x < newWidth; x++) {
                    accumulator[x] += horizontal[sourceRow + x] * w;
                }
            }
            for (int x = 0; x < newWidth; x++) {
                result[y * newWidth + x] = (float) accumulator[x];
            }
        }
        return result;
    }

    /**
     * For each output index: the first source index it overlaps and a run of weights (overlap
     * divided by the output pixel's width in source units) stored in one flat array.
     */
    private record Weights(int[] first, int[] start, int[] end, double[] weight) {

        static Weights of(int sourceSize, int targetSize) {
            double scale = (double) sourceSize / targetSize;
            int[] first = new int[targetSize];
            int[] start = new int[targetSize];
            int[] end = new int[targetSize];
            double[] weight = new double[targetSize * ((int) Math.ceil(scale) + 2)];
            int cursor = 0;
            for (int i = 0; i < targetSize; i++) {
                double from = i * scale;
                double to = (i + 1) * scale;
                int lo = (int) Math.floor(from);
                int hi = Math.min(sourceSize, (int) Math.ceil(to));
                first[i] = lo;
                start[i] = cursor;
                for (int s = lo; s < hi; s++) {
                    double overlap = Math.min(to, s + 1) - Math.max(from, s);
                    weight[cursor++] = overlap / scale;
                }
                end[i] = cursor;
            }
            return new Weights(first, start, end, weight);
        }
    }
}
