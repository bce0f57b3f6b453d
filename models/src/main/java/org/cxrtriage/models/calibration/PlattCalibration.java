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

    /** The cross-entropy of sigmoid(a z + b) against the targets, computed without overflow. */
    private static double objective(double[] z, double[] target, double a, double b) {
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            double f = a * z[i] + b;
            double logOnePlusExp = Math.max(f, 0) + Math.log1p(Math.exp(-Math.abs(f)));
            sum += logOnePlusExp - target[i] * f;
        }
        return sum;
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
        double[] target = new double[n];
        for (int i = 0; i < n; i++) {
            target[i] = labels[i] == 1 ? high : low;
        }
        // Newton's method with backtracking line search (Lin, Lin and Weng 2007), which stays
        // stable when the classes are separable and the logits large.
        double a = 0;
        double b = Math.log((negatives + 1.0) / (positives + 1.0));
        double loss = objective(z, target, a, b);
        for (int iteration = 0; iteration < 100; iteration++) {
            double ga = 0;
            double gb = 0;
            double haa = 1e-12;
            double hab = 0;
            double hbb = 1e-12;
            for (int i = 0; i < n; i++) {
                double p = Logistic.sigmoid(a * z[i] + b);
                double d = p - target[i];
                double w = p * (1 - p);
                ga += d * z[i];
                gb += d;
                haa += w * z[i] * z[i];
                hab += w * z[i];
                hbb += w;
            }
            if (Math.abs(ga) < 1e-9 && Math.abs(gb) < 1e-9) {
                break;
            }
            double det = haa * hbb - hab * hab;
            double stepA = -(hbb * ga - hab * gb) / det;
            double stepB = -(haa * gb - hab * ga) / det;
            double descent = ga * stepA + gb * stepB;
            double size = 1;
            while (size >= 1e-10) {
                double candidate = objective(z, target, a + size * stepA, b + size * stepB);
                if (candidate <= loss + 1e-4 * size * descent) {
                    a += size * stepA;
                    b += size * stepB;
                    loss = candidate;
                    break;
                }
                size /= 2;
            }
            if (size < 1e-10) {
                break;
            }
        }
        return new PlattCalibration(a, b, activation);
    }
}
