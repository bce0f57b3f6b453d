package org.cxrtriage.app.triage;

import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.models.manifest.ModelManifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A study triaged: the header details its worklist item shows (from the scored image, else the
 * first readable header), the deciding model's outcome and each shadow model's.
 *
 * @param rolloutRoles each scored version's rollout state ("id version" → active, canary, shadow);
 *                     empty for models outside the rollout (TRIAGE_MODEL_SHADOWS)
 */
public record StudyOutcome(Optional<InstanceMetadata> details, ModelManifest activeModel, Outcome active,
                           List<Outcome> shadows, Map<String, String> rolloutRoles) {

    public StudyOutcome {
        shadows = List.copyOf(shadows);
        rolloutRoles = Map.copyOf(rolloutRoles);
    }

    public StudyOutcome(Optional<InstanceMetadata> details, ModelManifest activeModel, Outcome active, List<Outcome> shadows) {
        this(details, activeModel, active, shadows, Map.of());
    }

    public StudyOutcome withRolloutRoles(Map<String, String> roles) {
        return new StudyOutcome(details, activeModel, active, shadows, roles);
    }

    /** The rollout role of the version behind {@code outcome}, if it is in the rollout. */
    public Optional<String> rolloutRole(Outcome outcome) {
        return outcome.score().map(score -> rolloutRoles.get(score.modelId() + " " + score.modelVersion()));
    }

    /** The active outcome first, then the shadows. */
    public List<Outcome> all() {
        List<Outcome> all = new ArrayList<>();
        all.add(active);
        all.addAll(shadows);
        return all;
    }
}
