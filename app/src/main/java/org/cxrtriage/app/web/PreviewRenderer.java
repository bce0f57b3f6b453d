package org.cxrtriage.app.web;

import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.PixelDecoder;
import org.cxrtriage.dicom.image.UndecodableImageException;
import org.cxrtriage.models.preprocess.AreaResize;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Renders a study's frontal image as an 8-bit PNG for the study view: the image's own VOI window
 * (or its 0.5-99.5 percentile range when it has none), MONOCHROME1 already inverted by the
 * decoder, area-averaged down to at most {@code maxSide} pixels. Nothing is drawn on the image.
 */
final class PreviewRenderer {

    private PreviewRenderer() {
    }

    static byte[] render(Path file, int maxSide) throws UndecodableImageException, IOException {
        DecodedImage image = PixelDecoder.decode(file);
        double scale = Math.min(1.0, (double) maxSide / Math.max(image.width(), image.height()));
        int width = Math.max(1, (int) Math.round(image.width() * scale));
        int height = Math.max(1, (int) Math.round(image.height() * scale));
        float[] pixels = scale < 1.0 ? AreaResize.resize(image.firstFrame(), image.width(), image.height(), width, height)
                : image.firstFrame();
        double low;
        double high;
        if (image.window().isPresent()) {
            low = image.window().get().center() - image.window().get().width() / 2;
            high = image.window().get().center() + image.window().get().width() / 2;
        } else {
            float[] sorted = pixels.clone();
            Arrays.sort(sorted);
            low = sorted[(int) (0.005 * (sorted.length - 1))];
            high = sorted[(int) (0.995 * (sorted.length - 1))];
        }
        double span = Math.max(high - low, 1e-6);
        BufferedImage png = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] target = ((DataBufferByte) png.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) {
            target[i] = (byte) Math.round(255 * Math.min(1.0, Math.max(0.0, (pixels[i] - low) / span)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(png, "png", out);
        return out.toByteArray();
    }
}
