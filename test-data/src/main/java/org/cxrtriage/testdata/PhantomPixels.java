package org.cxrtriage.testdata;

/**
 * The stored pixel values of a phantom and the values a decoder must return for them.
 *
 * @param stored       stored values as written (two's complement when signed), row-major
 * @param expected     modality values after rescale, MONOCHROME1 already inverted: larger = denser
 * @param rescaleIntercept the RescaleIntercept written, so that signed and unsigned encodings of the
 *                     same phantom have the same modality values
 * @param maxModalityValue the largest modality value the encoding can represent
 */
public record PhantomPixels(int[] stored, float[] expected, double rescaleIntercept, double maxModalityValue) {

    public static PhantomPixels of(PhantomSpec spec) {
        float[] density = new ChestPhantom(spec.width(), spec.height(), spec.seed()).render(spec.view());
        int levels = 1 << spec.bitsStored();
        int maxValue = levels - 1;
        int offset = spec.signed() ? levels / 2 : 0;
        int[] stored = new int[density.length];
        float[] expected = new float[density.length];
        for (int i = 0; i < density.length; i++) {
            int value = Math.round(density[i] * maxValue);
            expected[i] = value;
            int brightness = spec.monochrome1() ? maxValue - value : value;
            stored[i] = brightness - offset;
        }
        return new PhantomPixels(stored, expected, offset, maxValue);
    }
}
