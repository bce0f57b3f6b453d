package org.cxrtriage.models.preprocess;

import org.cxrtriage.models.manifest.ModelManifest.Crop;
import org.cxrtriage.models.manifest.ModelManifest.Preprocessing;
import org.cxrtriage.models.manifest.ModelManifest.WindowMethod;
import org.cxrtriage.models.reliability.ImageFactsMeter;

import java.util.Optional;

/**
 * Turns a decoded grayscale image into a model input exactly as its manifest says: centre crop,
 * area-average resize to the input size, windowing to [0, 1] (clipped), normalisation. Output is
 * one channel, row-major, {@code width * height} floats; a 3-channel model gets it repeated.
 */
public final class Preprocessor {

    private final Preprocessing spec;

    public Preprocessor(Preprocessing spec) {
        this.spec = spec;
    }

    /**
     * @param pixels row-major values, larger = denser (MONOCHROME1 already inverted)
     * @param voi    the image's own window (centre, width), used by the VOI method
     */
    public float[] apply(float[] pixels, int width, int height, Optional<double[]> voi) {
        float[] unit = windowed(pixels, width, height, voi);
        normalise(unit);
        return unit;
    }

    /** As {@link #apply}, with the image facts measured on the same windowed image; pixel spacing unknown. */
    public PreparedImage prepare(float[] pixels, int width, int height, Optional<double[]> voi) {
        return prepare(pixels, width, height, voi, Double.NaN);
    }

    /**
     * The model input and the {@link org.cxrtriage.models.reliability.ImageFacts} of one image, in
     * one pass; the input is identical to {@link #apply}'s.
     *
     * @param pixelSpacingMm mean pixel spacing from the header, NaN when unknown
     */
    public PreparedImage prepare(float[] pixels, int width, int height, Optional<double[]> voi, double pixelSpacingMm) {
        float[] unit = windowed(pixels, width, height, voi);
        var facts = ImageFactsMeter.measure(unit, spec.width(), spec.height(), height, width, pixelSpacingMm);
        normalise(unit);
        return new PreparedImage(unit, facts);
    }

    private void normalise(float[] unit) {
        for (int i = 0; i < unit.length; i++) {
            unit[i] = spec.normalisation().apply(unit[i]);
        }
    }

    /** Crop, resize and window: values in [0, 1], model-sized. */
    private float[] windowed(float[] pixels, int width, int height, Optional<double[]> voi) {
        float[] image = pixels;
        int w = width;
        int h = height;
        if (spec.crop() == Crop.CENTER_SQUARE && w != h) {
            int side = Math.min(w, h);
            image = crop(image, w, (w - side) / 2, (h - side) / 2, side, side);
            w = side;
            h = side;
        }
        float[] resized = AreaResize.resize(image, w, h, spec.width(), spec.height());
        double[] range = window(resized, voi);
        double low = range[0];
        double span = Math.max(range[1] - range[0], 1e-6);
        for (int i = 0; i < resized.length; i++) {
            resized[i] = (float) Math.min(1.0, Math.max(0.0, (resized[i] - low) / span));
        }
        return resized;
    }

    private double[] window(float[] image, Optional<double[]> voi) {
        WindowMethod method = spec.window().method();
        if (method == WindowMethod.VOI && voi.isPresent()) {
            double center = voi.get()[0];
            double width = voi.get()[1];
            return new double[] {center - width / 2, center + width / 2};
        }
        if (method == WindowMethod.PERCENTILE) {
            float[] scratch = image.clone();
            return new double[] {OrderStatistics.percentile(scratch, spec.window().lowPercentile()),
                    OrderStatistics.percentile(scratch, spec.window().highPercentile())};
        }
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float value : image) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        return new double[] {min, max};
    }

    private static float[] crop(float[] image, int width, int x0, int y0, int w, int h) {
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(image, (y0 + y) * width + x0, out, y * w, w);
        }
        return out;
    }
}
