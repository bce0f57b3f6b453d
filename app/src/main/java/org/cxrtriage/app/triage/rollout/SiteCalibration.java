package org.cxrtriage.app.triage.rollout;

import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.manifest.ModelManifest;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a model version was calibrated at this site, and whether that calibration meets the
 * minima. {@code ./cxr-triage calibrate} writes version {@code <base>+cal.<stamp>} together with
 * its report folder {@code calibration-<stamp>/} beside the manifest; a version whose folder holds
 * that report was calibrated here. A vendor's own calibration (shipped without the report) is not.
 */
public final class SiteCalibration {

    /**
     * @param meets every critical finding's sensitivity at its operating point is at least
     *              max(its target, TRIAGE_ROLLOUT_MIN_SENSITIVITY) minus TRIAGE_ROLLOUT_SENSITIVITY_MARGIN
     */
    public record Assessment(String summary, boolean meets) {
    }

    private SiteCalibration() {
    }

    public static Optional<Assessment> assess(ModelDirectory directory, RolloutRules rules) {
        String version = directory.manifest().version();
        int at = version.lastIndexOf("+cal.");
        if (at < 0 || !Files.isDirectory(directory.path().resolve("calibration-" + version.substring(at + 5)))) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        boolean meets = true;
        for (ModelManifest.Finding finding : directory.manifest().findings()) {
            if (!finding.critical() || finding.operatingPoint().isEmpty()) {
                continue;
            }
            ModelManifest.OperatingPoint point = finding.operatingPoint().get();
            double required = Math.max(point.targetSensitivity(), rules.minSensitivity()) - rules.sensitivityMargin();
            boolean ok = point.sensitivity() >= required - 1e-12;
            meets &= ok;
            parts.add(String.format(Locale.ROOT, "%s sensitivity %.3f (target %.2f, %d positives)%s", finding.key(),
                    point.sensitivity(), point.targetSensitivity(), point.positives(), ok ? "" : String.format(Locale.ROOT,
                            " BELOW TARGET: at least %.3f needed (max(target, TRIAGE_ROLLOUT_MIN_SENSITIVITY %.2f) - margin"
                                    + " %.2f)", required, rules.minSensitivity(), rules.sensitivityMargin())));
        }
        return Optional.of(new Assessment("site calibration " + version.substring(at + 1) + ": "
                + (parts.isEmpty() ? "no critical finding has an operating point" : String.join("; ", parts)),
                meets && !parts.isEmpty()));
    }
}
