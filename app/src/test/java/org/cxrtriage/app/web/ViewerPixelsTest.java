package org.cxrtriage.app.web;

import org.cxrtriage.app.support.StudyFiles;
import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.PixelDecoder;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the viewer receives is what the DICOM holds: every stored value keeps its own code and
 * maps back to its exact modality value, for 16-bit and 12-bit, MONOCHROME1 and 2; and how long a
 * 3000x3000 16-bit image takes to decode and encode on this machine.
 */
class ViewerPixelsTest {

    @TempDir
    Path dir;

    @Test
    void codesMapBackToTheExactModalityValues() throws Exception {
        for (PhantomSpec spec : new PhantomSpec[] {
                PhantomSpec.chestCr(PhantomIdentity.newStudy(), 1).withSize(200, 160).withPixels(16, false, false),
                PhantomSpec.chestCr(PhantomIdentity.newStudy(), 2).withSize(200, 160).withPixels(12, false, true),
                PhantomSpec.chestCr(PhantomIdentity.newStudy(), 3).withSize(200, 160).withPixels(16, true, false)}) {
            Path file = dir.resolve("p.dcm");
            Transcoder.write(spec, Encoding.EXPLICIT_LITTLE_ENDIAN, file);
            DecodedImage image = PixelDecoder.decode(file);
            ViewerPixels pixels = ViewerPixels.of(image);
            byte[] raw = pixels.body();
            assertEquals(image.width() * image.height() * 2, raw.length);
            float[] back = new float[raw.length / 2];
            for (int i = 0; i < back.length; i++) {
                int code = (raw[2 * i] & 0xff) | (raw[2 * i + 1] & 0xff) << 8;
                back[i] = (float) (pixels.offset() + code * pixels.scale());
            }
            float[] expected = image.firstFrame();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], back[i], 1e-3, "pixel " + i + " of " + spec.bitsStored() + "-bit");
            }
        }
    }

    @Test
    void aLarge16BitImageDecodesAndEncodesQuickly() throws Exception {
        Path file = StudyFiles.large(dir, "large", PhantomIdentity.newStudy(), 3000);
        PixelDecoder.decode(file);
        long start = System.nanoTime();
        DecodedImage image = PixelDecoder.decode(file);
        long decoded = System.nanoTime();
        ViewerPixels raw = ViewerPixels.of(image);
        long encoded = System.nanoTime();
        System.out.printf("3000x3000 16-bit: decode %d ms, encode %d ms (%d MB)%n",
                (decoded - start) / 1_000_000, (encoded - decoded) / 1_000_000, raw.body().length >> 20);
        assertArrayEquals(new int[] {3000, 3000}, new int[] {raw.width(), raw.height()});
    }
}
