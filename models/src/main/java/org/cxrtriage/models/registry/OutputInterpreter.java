package org.cxrtriage.models.registry;

import org.cxrtriage.models.calibration.Calibration;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.manifest.ModelManifest.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a model's raw output vector into one {@link FindingScore} per manifest finding: calibrated
 * probability, operating point, positive or not. Used by a loaded model, and by the calibration
 * tool with the calibrations it has just fitted.
 */
public final class OutputInterpreter {

    private final List<Finding> findings;
    private final List<Calibration> calibrations = new ArrayList<>();

    public OutputInterpreter(ModelManifest manifest) {
        this.findings = manifest.findings();
        for (Finding finding : findings) {
            calibrations.add(Calibration.of(finding.calibration(), manifest.output().activation()));
        }
    }

    /** @param outputs the model's output tensor for one image (output.size values) */
    public List<FindingScore> interpret(float[] outputs) {
        List<FindingScore> scores = new ArrayList<>(findings.size());
        for (int i = 0; i < findings.size(); i++) {
            Finding finding = findings.get(i);
            double raw = outputs[finding.index()];
            double probability = calibrations.get(i).probability(raw);
            Optional<Double> threshold = finding.operatingPoint().map(ModelManifest.OperatingPoint::threshold);
            scores.add(new FindingScore(finding.key(), finding.display(), finding.code().system(), finding.code().code(),
                    raw, probability, threshold, threshold.map(t -> probability >= t).orElse(false), finding.critical(),
                    finding.severityWeight(), finding.calibration().version()));
        }
        return List.copyOf(scores);
    }
}
