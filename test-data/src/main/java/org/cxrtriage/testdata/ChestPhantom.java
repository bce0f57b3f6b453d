package org.cxrtriage.testdata;

import java.util.Random;

/**
 * Draws a synthetic chest radiograph: body outline, two lung fields ending in diaphragm domes,
 * mediastinum and heart, spine, ribs and clavicles, with film grain. Values are relative density
 * in [0, 1] (1 = bone, 0 = direct exposure), i.e. how bright the image is in MONOCHROME2.
 * Geometry varies with the seed (body size, heart size, rotation), so phantoms are not all alike.
 */
public final class ChestPhantom {

    private final int width;
    private final int height;
    private final Random random;

    private final double bodyHalfWidth;
    private final double lungTop;
    private final double diaphragm;
    private final double heartRadius;
    private final double tilt;

    public ChestPhantom(int width, int height, long seed) {
        this.width = width;
        this.height = height;
        this.random = new Random(seed);
        this.bodyHalfWidth = 0.40 + 0.06 * random.nextDouble();
        this.lungTop = 0.12 + 0.05 * random.nextDouble();
        this.diaphragm = 0.68 + 0.08 * random.nextDouble();
        this.heartRadius = 0.13 + 0.05 * random.nextDouble();
        this.tilt = (random.nextDouble() - 0.5) * 0.08;
    }

    /** Row-major densities, {@code height * width} values in [0, 1]. */
    public float[] render(View view) {
        float[] density = new float[width * height];
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                double x = (double) col / width - 0.5;
                double y = (double) row / height;
                double xr = x * Math.cos(tilt) - (y - 0.5) * Math.sin(tilt);
                double yr = x * Math.sin(tilt) + (y - 0.5) * Math.cos(tilt) + 0.5;
                double value = view == View.LATERAL ? lateral(xr, yr) : frontal(xr, yr, view == View.AP);
                value += 0.015 * random.nextGaussian();
                density[row * width + col] = (float) Math.min(1.0, Math.max(0.0, value));
            }
        }
        return density;
    }

    private double frontal(double x, double y, boolean anteroposterior) {
        double torso = softInside(superellipse(x, y - 0.58, bodyHalfWidth, 0.66, 3.0), 0.03);
        double value = 0.04 + torso * (0.50 + 0.08 * Math.max(0, y - diaphragm) / (1 - diaphragm));
        if (torso <= 0) {
            return value;
        }
        double lungHalfWidth = bodyHalfWidth * 0.40;
        double lungs = 0;
        for (int side = -1; side <= 1; side += 2) {
            double cx = side * bodyHalfWidth * 0.50;
            double u = (x - cx) * side;
            double dome = diaphragm - 0.07 * Math.cos(u / lungHalfWidth * Math.PI / 2)
                    + (side > 0 ? 0.02 : 0);
            double inLung = softInside(ellipse(x - cx, y - (lungTop + dome) / 2 - 0.03,
                    lungHalfWidth, (dome - lungTop) / 2 + 0.03), 0.06) * softBelow(y, dome, 0.008);
            if (inLung > lungs) {
                lungs = inLung;
            }
            value += torso * ribs(u, y, lungHalfWidth) * (0.4 + 0.6 * inLung);
        }
        value -= lungs * (0.30 - 0.04 * vessels(x, y));
        double heart = softInside(ellipse(x - (anteroposterior ? 0.07 : 0.055),
                y - (diaphragm - heartRadius * 0.75), heartRadius * 1.2, heartRadius), 0.08);
        double mediastinum = softInside(superellipse(x, y - (lungTop + diaphragm) / 2,
                0.075 + 0.02 * y, (diaphragm - lungTop) / 2 + 0.05, 4), 0.1);
        value = Math.max(value, 0.56 * Math.max(heart, mediastinum) + value * (1 - Math.max(heart, mediastinum)));
        double spine = softInside(Math.abs(x) / 0.028, 0.15);
        value += 0.05 * spine * torso;
        for (int side = -1; side <= 1; side += 2) {
            double u = x * side;
            double clavicleY = lungTop + 0.03 - 0.12 * (u - 0.05) + 0.5 * (u - 0.2) * (u - 0.2);
            if (u > 0.04 && u < bodyHalfWidth * 0.85) {
                value += 0.2 * softInside(Math.abs(y - clavicleY) / 0.011, 0.2);
            }
        }
        return value;
    }

    private double lateral(double x, double y) {
        double torso = softInside(superellipse(x, y - 0.58, bodyHalfWidth * 0.72, 0.66, 3.0), 0.03);
        double value = 0.04 + 0.55 * torso;
        double lung = softInside(ellipse(x + 0.02, y - (lungTop + diaphragm) / 2, bodyHalfWidth * 0.52,
                (diaphragm - lungTop) / 2), 0.08);
        value -= 0.27 * lung * torso;
        double heart = softInside(ellipse(x + 0.13, y - (diaphragm - heartRadius), heartRadius, heartRadius * 1.1), 0.1);
        value = Math.max(value, 0.55 * heart);
        double spine = softInside(Math.abs(x - bodyHalfWidth * 0.5) / 0.06, 0.2);
        value += 0.15 * spine * torso;
        return value;
    }

    /** Posterior ribs: bands that run down and outwards from the spine, about 10 per side. */
    private double ribs(double u, double y, double lungHalfWidth) {
        if (u < -lungHalfWidth * 0.9 || u > lungHalfWidth * 1.1 || y < lungTop - 0.06 || y > diaphragm + 0.03) {
            return 0;
        }
        double lateral = (u + lungHalfWidth) / (2 * lungHalfWidth);
        double curve = y - 0.07 * lateral * lateral - 0.02 * lateral;
        double phase = (curve - lungTop + 0.05) / 0.058;
        double distance = Math.abs(phase - Math.round(phase));
        return 0.09 * softInside(distance / 0.17, 0.3);
    }

    /** Slowly varying texture standing in for pulmonary vessels, in [0, 1]. */
    private double vessels(double x, double y) {
        return 0.5 + 0.25 * Math.sin(41 * x + 13 * y) * Math.sin(37 * y - 7 * x) + 0.25 * Math.sin(90 * x * y);
    }

    /** 1 well inside (distance measure &lt; 1), 0 outside, with a soft edge of the given width. */
    private static double softInside(double measure, double edge) {
        double t = (1 + edge - measure) / (2 * edge);
        t = Math.min(1, Math.max(0, t));
        return t * t * (3 - 2 * t);
    }

    private static double softBelow(double y, double limit, double edge) {
        return softInside(1 + (y - limit) / edge * 0.5, 0.5);
    }

    private static double superellipse(double dx, double dy, double rx, double ry, double power) {
        return Math.pow(Math.abs(dx / rx), power) + Math.pow(Math.abs(dy / ry), 2);
    }

    private static double ellipse(double dx, double dy, double rx, double ry) {
        return (dx * dx) / (rx * rx) + (dy * dy) / (ry * ry);
    }
}
