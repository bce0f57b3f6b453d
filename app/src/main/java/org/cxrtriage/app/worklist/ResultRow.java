package org.cxrtriage.app.worklist;

import java.time.OffsetDateTime;

/**
 * One model run on one revision of a study; {@code shadow} runs never set priority.
 *
 * @param reliable the reliability verdict: false when the image was unlike the model's reference data
 *                 (its findings are then indeterminate); null for results without a verdict
 */
public record ResultRow(long id, String studyUid, int revision, String status, String reason, boolean shadow,
                        String modelId, String modelVersion, String modelSha256, String device, String sopInstanceUid,
                        double score, boolean critical, Long supersededBy, OffsetDateTime createdAt, Boolean reliable,
                        String reliabilityReason) {

    /** True when the verdict said this run's output cannot be trusted. */
    public boolean unreliable() {
        return Boolean.FALSE.equals(reliable);
    }
}
