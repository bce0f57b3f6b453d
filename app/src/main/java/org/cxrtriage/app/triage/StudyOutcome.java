package org.cxrtriage.app.triage;

import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.models.manifest.ModelManifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A study triaged: the header details its worklist item shows (from the scored image, else the
 * first readable header), the active model's outcome and each shadow model's.
 */
public record StudyOutcome(Optional<InstanceMetadata> details, ModelManifest activeModel, Outcome active,
                           List<Outcome> shadows) {

    public StudyOutcome {
        shadows = List.copyOf(shadows);
    }

    /** The active outcome first, then the shadows. */
    public List<Outcome> all() {
        List<Outcome> all = new ArrayList<>();
        all.add(active);
        all.addAll(shadows);
        return all;
    }
}
