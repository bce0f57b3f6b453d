package org.cxrtriage.app.triage.rollout;

import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A model's versions and change log as plain maps, for JSON (CLI export and the admin API alike). */
public final class RolloutHistory {

    private RolloutHistory() {
    }

    public static Map<String, Object> of(ModelRollout rollout, String modelId) throws SQLException {
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("modelId", modelId);
        history.put("exportedAt", Instant.now().toString());
        history.put("versions", rollout.versions(modelId).stream().map(RolloutHistory::version).toList());
        history.put("changes", rollout.history(modelId).stream().map(RolloutHistory::event).toList());
        return history;
    }

    public static Map<String, Object> version(ModelVersion version) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("modelId", version.modelId());
        map.put("version", version.version());
        map.put("state", version.state().code());
        map.put("share", version.share());
        map.put("canaryPercent", version.canaryPercent().orElse(null));
        map.put("canaryCallers", version.canaryCallers());
        map.put("since", version.stateSince().toString());
        map.put("sha256", version.sha256());
        map.put("device", ModelRollout.device(version));
        map.put("calibrationVersions", version.calibrationVersions());
        map.put("siteCalibration", version.siteCalibration().orElse(ModelVersion.NOT_SITE_CALIBRATED));
        map.put("siteCalibrated", version.siteCalibration().isPresent());
        map.put("replacedVersion", version.replacedVersion().orElse(null));
        map.put("installedAt", version.installedAt().toString());
        map.put("installedBy", version.installedBy());
        return map;
    }

    private static Map<String, Object> event(RolloutEvent event) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("at", event.occurredAt().toString());
        map.put("version", event.version());
        map.put("action", event.action());
        map.put("from", event.fromState().orElse(null));
        map.put("to", event.toState());
        map.put("canaryPercent", event.canaryPercent().orElse(null));
        map.put("canaryCallers", event.canaryCallers());
        map.put("who", event.actor());
        map.put("reason", event.reason());
        map.put("evidence", event.evidence().orElse(null));
        map.put("forced", event.forced());
        return map;
    }

}
