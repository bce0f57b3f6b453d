package org.cxrtriage.dicom.image;

import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomPixels;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoded pixels equal the values the phantom was written with, in every accepted syntax. */
class PixelDecoderTest {

    @TempDir
    Path dir;

    /** Lossless encodings x photometric x signedness x depth, as far as the encoder supports them. */
    static Stream<Arguments> losslessCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Encoding encoding : Encoding.values()) {
            if (!encoding.lossless() || encoding == Encoding.JPEG_LS_LOSSLESS) {
                continue;
            }
            for (int bits : new int[] {12, 16}) {
                for (boolean monochrome1 : new boolean[] {false, true}) {
                    for (boolean signed : new boolean[] {false, true}) {
                        if (signed && encoding == Encoding.JPEG_2000_LOSSLESS) {
                            continue; // the test encoder writes unsigned JPEG 2000 only
                        }
                        cases.add(Arguments.of(encoding, bits, monochrome1, signed));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}-bit MONOCHROME{2} signed={3}")
    @MethodSource("losslessCases")
    void losslessSyntaxesDecodeToTheOriginalValues(Encoding encoding, int bits, boolean monochrome1, boolean signed)
            throws Exception {
        PhantomSpec spec = PhantomSpec.chestCr(PhantomIdentity.newStudy(), 11)
                .withSize(200, 160).withPixels(bits, signed, monochrome1);
        Path file = dir.resolve("image.dcm");
        PhantomPixels pixels = Transcoder.write(spec, encoding, file);

        DecodedImage image = PixelDecoder.decode(file);

        assertEquals(200, image.width());
        assertEquals(160, image.height());
        assertEquals(monochrome1, image.monochrome1());
        assertArrayEquals(pixels.expected(), image.firstFrame());
    }

    @Test
    void jpegBaselineDecodesCloseToTheOriginal() throws Exception {
        PhantomSpec spec = PhantomSpec.chestCr(PhantomIdentity.newStudy(), 5).withSize(256, 256).withPixels(8, false, false);
        Path file = dir.resolve("baseline.dcm");
        PhantomPixels pixels = Transcoder.write(spec, Encoding.JPEG_BASELINE, file);

        float[] decoded = PixelDecoder.decode(file).firstFrame();

        double error = 0;
        for (int i = 0; i < decoded.length; i++) {
            error += Math.abs(decoded[i] - pixels.expected()[i]);
        }
        double meanError = error / decoded.length;
        assertTrue(meanError < 3.0, "mean absolute error " + meanError + " of 255");
    }

    @Test
    void reportsSpacingAndWindow() throws Exception {
        Path file = dir.resolve("image.dcm");
        Transcoder.write(PhantomSpec.chestCr(PhantomIdentity.newStudy(), 1).withSize(64, 64), Encoding.EXPLICIT_LITTLE_ENDIAN, file);

        DecodedImage image = PixelDecoder.decode(file);

        assertArrayEquals(new double[] {0.143, 0.143}, image.pixelSpacingMm().orElseThrow(), 1e-9);
        assertEquals(2048, image.window().orElseThrow().center(), 1.0);
        assertEquals(4095, image.maxValue());
    }

    @Test
    void garbageIsUndecodableWithAReason() throws Exception {
        Path file = dir.resolve("garbage.dcm");
        java.nio.file.Files.write(file, new byte[] {1, 2, 3, 4});

        UndecodableImageException error = assertThrows(UndecodableImageException.class, () -> PixelDecoder.decode(file));
        assertTrue(error.getMessage().contains("garbage.dcm") || error.getMessage().contains("grayscale"), error.getMessage());
    }
}
