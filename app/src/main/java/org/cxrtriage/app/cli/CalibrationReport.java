package org.cxrtriage.app.cli;

import org.cxrtriage.models.calibration.Calibrator;
import org.cxrtriage.models.calibration.Metrics;
import org.cxrtriage.models.manifest.ModelManifest.Finding;
import org.cxrtriage.models.manifest.ModelManifest.OperatingPoint;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The calibration tool's output: a table (AUC with CI, ECE and Brier before and after, the chosen
 * method, threshold, sensitivity and specificity with CIs) and one reliability diagram per finding.
 * "After" figures use held-out (cross-validated) predictions; the operating point is measured on
 * the fitting data, as the table says.
 */
final class CalibrationReport {

    private static final int BINS = 10;
    private final Path directory;
    private final List<String> rows = new ArrayList<>();

    CalibrationReport(Path directory) {
        this.directory = directory;
        System.setProperty("java.awt.headless", "true");
    }

    void add(Finding finding, Calibrator.Result result) throws IOException {
        int[] truth = result.truth();
        double[] before = result.before();
        OperatingPoint point = result.operatingPoint();
        double[] auc = Metrics.aucWithCi(result.raw(), truth);
        double[] after = result.choice().heldOutProbabilities();
        rows.add(String.format("%-18s %5d %4d  %.3f [%.3f-%.3f]  %6.3f %6.3f  %6.3f %6.3f  %-8s %7.3f  %.3f [%.3f-%.3f]  %.3f [%.3f-%.3f]",
                finding.key(), truth.length, point.positives(), auc[0], auc[1], auc[2],
                Metrics.expectedCalibrationError(before, truth, BINS), Metrics.expectedCalibrationError(after, truth, BINS),
                Metrics.brier(before, truth), Metrics.brier(after, truth), result.choice().method().name().toLowerCase(),
                point.threshold(), point.sensitivity(), point.sensitivityCi95().get(0), point.sensitivityCi95().get(1),
                point.specificity(), point.specificityCi95().get(0), point.specificityCi95().get(1)));
        reliabilityDiagram(finding, truth, before, after);
    }

    void skip(String key, String why) {
        rows.add(String.format("%-18s not calibrated: %s", key, why));
    }

    void print() {
        System.out.println(header());
        rows.forEach(System.out::println);
        System.out.println("ECE/Brier 'after' are cross-validated; sensitivity/specificity at the threshold are on the"
                + " fitting data (95% Wilson intervals); AUC intervals by DeLong.");
    }

    void writeText() throws IOException {
        Files.writeString(directory.resolve("report.txt"), header() + "\n" + String.join("\n", rows) + "\n");
    }

    private static String header() {
        return String.format("%-18s %5s %4s  %-20s  %6s %6s  %6s %6s  %-8s %7s  %-20s  %-20s",
                "finding", "n", "pos", "AUC [95% CI]", "ECE<", "ECE>", "Brier<", "Brier>", "method", "thresh",
                "sensitivity [CI]", "specificity [CI]");
    }

    private void reliabilityDiagram(Finding finding, int[] truth, double[] before, double[] after) throws IOException {
        XYChart chart = new XYChartBuilder().width(640).height(560)
                .title("Reliability: " + finding.display()).xAxisTitle("predicted probability")
                .yAxisTitle("observed frequency").build();
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        XYSeries ideal = chart.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1});
        ideal.setMarker(SeriesMarkers.NONE);
        addBins(chart, "before calibration", before, truth);
        addBins(chart, "after calibration (held-out)", after, truth);
        BitmapEncoder.saveBitmap(chart, directory.resolve(finding.key() + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void addBins(XYChart chart, String name, double[] probabilities, int[] truth) {
        double[] sumP = new double[BINS];
        double[] sumY = new double[BINS];
        int[] count = new int[BINS];
        for (int i = 0; i < probabilities.length; i++) {
            int bin = Math.min(BINS - 1, (int) (probabilities[i] * BINS));
            sumP[bin] += probabilities[i];
            sumY[bin] += truth[i];
            count[bin]++;
        }
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int bin = 0; bin < BINS; bin++) {
            if (count[bin] > 0) {
                x.add(sumP[bin] / count[bin]);
                y.add(sumY[bin] / count[bin]);
            }
        }
        if (!x.isEmpty()) {
            chart.addSeries(name, x, y);
        }
    }
}
