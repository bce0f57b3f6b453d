package org.cxrtriage.dicom.image;

import java.util.List;
import java.util.Optional;

/**
 * Pixel data ready for preprocessing: one float array per frame, row-major, in modality units
 * (after Rescale Slope/Intercept), with MONOCHROME1 already inverted so that larger always means
 * denser (brighter on a MONOCHROME2 display).
 *
 * @param bitsStored          Bits Stored of the source
 * @param signed              whether stored values were two's complement
 * @param monochrome1         whether the source was MONOCHROME1 (already inverted here)
 * @param minValue            smallest value the encoding can represent, after inversion
 * @param maxValue            largest value the encoding can represent, after inversion
 * @param pixelSpacingMm      row and column spacing in mm, empty when not stated
 * @param window              the first VOI window of the object, in the same units, if any
 */
public record DecodedImage(
        int width,
        int height,
        List<float[]> frames,
        int bitsStored,
        boolean signed,
        boolean monochrome1,
        double minValue,
        double maxValue,
        Optional<double[]> pixelSpacingMm,
        Optional<VoiWindow> window) {

    public float[] firstFrame() {
        return frames.get(0);
    }

    /** A VOI LUT window (PS3.3 C.11.2): centre and width, in modality units after inversion. */
    public record VoiWindow(double center, double width) {
    }
}
