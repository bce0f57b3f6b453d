package org.cxrtriage.app.triage.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One installed version of a model as the {@code model_version} table holds it.
 *
 * @param directory       the installed copy, relative to the data directory
 * @param siteCalibration what this site's calibration of the version showed; empty: not calibrated at this site
 * @param canaryPercent   canary only: the share of new studies it decides, 0–100
 * @param canaryCallers   canary only: the calling AE titles it is limited to; empty: every caller
 * @param replacedVersion the version this one replaced when it became active (a rollback returns to it)
 */
public record ModelVersion(String modelId, String version, String sha256, String directory, String calibrationVersions,
                           Optional<String> siteCalibration, RolloutState state, Optional<Integer> canaryPercent,
                           List<String> canaryCallers, Optional<String> replacedVersion, Instant stateSince,
                           Instant installedAt, String installedBy) {

    public ModelVersion {
        canaryCallers = List.copyOf(canaryCallers);
    }

    /** "not calibrated at this site" wherever a version is listed without a site calibration. */
    public static final String NOT_SITE_CALIBRATED = "not calibrated at this site";

    public String label() {
        return modelId + " " + version;
    }

    /** The share as listed: "30 %", "100 % of AE1,AE2", or "" outside canary. */
    public String share() {
        if (state != RolloutState.CANARY) {
            return state == RolloutState.ACTIVE ? "rest" : "";
        }
        return canaryPercent.orElse(100) + " %" + (canaryCallers.isEmpty() ? "" : " of " + String.join(",", canaryCallers));
    }
}
