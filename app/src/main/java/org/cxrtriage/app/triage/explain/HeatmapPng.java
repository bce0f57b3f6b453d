package org.cxrtriage.app.triage.explain;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * One finding's occlusion map as a translucent RGBA overlay of the model input: transparent where
 * hiding the image does not lower the score, from yellow to red (and more opaque) the more it does.
 * The colour scale runs to the map's largest drop but never below {@link #FLOOR}, so a map whose
 * largest drop is tiny stays faint instead of being stretched to look important.
 */
final class HeatmapPng {

    /** Drops of the calibrated probability below this never reach full colour. */
    static final double FLOOR = 0.05;
    /** Drops below this share of the scale are left transparent. */
    private static final double VISIBLE = 0.1;

    private HeatmapPng() {
    }

    static byte[] render(float[] drops, int width, int height, double maxDrop) throws IOException {
        double scale = Math.max(maxDrop, FLOOR);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double v = Math.max(0, Math.min(1, drops[y * width + x] / scale));
                int argb = 0;
                if (v >= VISIBLE) {
                    int alpha = (int) Math.round(255 * (0.25 + 0.5 * v));
                    int green = (int) Math.round(230 * (1 - v));
                    argb = (alpha << 24) | (255 << 16) | (green << 8) | 32;
                }
                image.setRGB(x, y, argb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
