package org.cxrtriage.app.monitoring;

import java.util.ArrayList;
import java.util.List;

/**
 * Calibration on reviewed cases: the radiologists' feedback taken as the truth (a finding is present
 * when they agreed with a positive or disagreed with a negative), binned by the calibrated
 * probability the model gave. In a calibrated model each bin's observed rate lies near its mean
 * probability. Only reviewed findings count, and reviewers see mostly flagged studies, so the low
 * bins are thin and lean towards what radiologists chose to open: read it with the counts.
 *
 * @param bins                        equal-width bins over [0, 1], empty ones included
 * @param expectedCalibrationError    count-weighted mean |observed − predicted| over non-empty bins; null without feedback
 */
public record ReliabilityDiagram(List<Bin> bins, Double expectedCalibrationError) {

    /**
     * @param lower          the bin's lower bound, inclusive
     * @param upper          its upper bound, exclusive except for the last bin (1.0 included)
     * @param meanPredicted  mean calibrated probability of its findings; null when empty
     * @param observed       findings judged present of its findings, with the Wilson 95 % interval
     */
    public record Bin(double lower, double upper, Double meanPredicted, Proportion observed) {
    }

    /** {@code count} equal-width bins of the reviewed findings in {@code rows}. */
    public static ReliabilityDiagram of(List<FeedbackRow> rows, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a reliability diagram needs at least one bin, not " + count);
        }
        double[] predicted = new double[count];
        long[] present = new long[count];
        long[] total = new long[count];
        for (FeedbackRow row : rows) {
            int bin = Math.min(count - 1, Math.max(0, (int) Math.floor(row.probability() * count)));
            predicted[bin] += row.probability();
            present[bin] += row.present() ? 1 : 0;
            total[bin]++;
        }
        List<Bin> bins = new ArrayList<>(count);
        double gap = 0;
        long all = 0;
        for (int i = 0; i < count; i++) {
            Double mean = total[i] == 0 ? null : predicted[i] / total[i];
            Proportion observed = Proportion.of(present[i], total[i]);
            bins.add(new Bin((double) i / count, (double) (i + 1) / count, mean, observed));
            if (total[i] > 0) {
                gap += total[i] * Math.abs(observed.rate() - mean);
                all += total[i];
            }
        }
        return new ReliabilityDiagram(List.copyOf(bins), all == 0 ? null : gap / all);
    }
}
