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

    /** @param meets every critical finding reaches its target sensitivity within the margin */
    public record Assessment(String summary, boolean meets) {
    }

    private SiteCalibration() {
    }

    public static Optional<Assessment> assess(ModelDirectory directory, double sensitivityMargin) {
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
            boolean ok = point.sensitivity() >= point.targetSensitivity() - sensitivityMargin;
            meets &= ok;
            parts.add(String.format(Locale.ROOT, "%s sensitivity %.3f (target %.2f, %d positives)%s", finding.key(),
                    point.sensitivity(), point.targetSensitivity(), point.positives(), ok ? "" : " BELOW TARGET"));
        }
        return Optional.of(new Assessment("site calibration " + version.substring(at + 1) + ": "
                + (parts.isEmpty() ? "no critical finding has an operating point" : String.join("; ", parts)),
                meets && !parts.isEmpty()));
    }
}
