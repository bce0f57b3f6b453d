package org.cxrtriage.models.calibration;

import org.cxrtriage.models.manifest.ModelManifest.Activation;

/**
 * Platt scaling: p = sigmoid(a * z + b) where z is the model's logit. Fitted by Newton's method on
 * the log-loss with Platt's smoothed targets (N+ + 1) / (N+ + 2) and 1 / (N- + 2), which keeps
 * the fit finite on separable data.
 */
public record PlattCalibration(double a, double b, Activation activation) implements Calibration {

    @Override
    public double probability(double raw) {
        return Logistic.sigmoid(a * Logistic.toLogit(raw, activation) + b);
    }

    /** Fits a and b to raw outputs and 0/1 labels. */
    public static PlattCalibration fit(double[] raw, int[] labels, Activation activation) {
        int n = raw.length;
        double[] z = new double[n];
        int positives = 0;
        for (int i = 0; i < n; i++) {
            z[i] = Logistic.toLogit(raw[i], activation);
            positives += labels[i];
        }
        int negatives = n - positives;
        double high = (positives + 1.0) / (positives + 2.0);
        double low = 1.0 / (negatives + 2.0);
        double a = 1;
        double b = 0;
        for (int iteration = 0; iteration < 100; iteration++) {
            double ga = 0;
            double gb = 0;
            double haa = 1e-12;
            double hab = 0;
            double hbb = 1e-12;
            for (int i = 0; i < n; i++) {
                double p = Logistic.sigmoid(a * z[i] + b);
                double t = labels[i] == 1 ? high : low;
                double d = p - t;
                double w = p * (1 - p);
                ga += d * z[i];
                gb += d;
                haa += w * z[i] * z[i];
                hab += w * z[i];
                hbb += w;
            }
            double det = haa * hbb - hab * hab;
            if (Math.abs(det) < 1e-18) {
                break;
            }
            double stepA = (hbb * ga - hab * gb) / det;
            double stepB = (haa * gb - hab * ga) / det;
            a -= stepA;
            b -= stepB;
            if (Math.abs(stepA) < 1e-10 && Math.abs(stepB) < 1e-10) {
                break;
            }
        }
        return new PlattCalibration(a, b, activation);
    }
}
