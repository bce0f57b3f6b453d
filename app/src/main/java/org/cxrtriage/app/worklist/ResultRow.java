package org.cxrtriage.app.worklist;

import java.time.OffsetDateTime;

/** One model run on one revision of a study; {@code shadow} runs never set priority. */
public record ResultRow(long id, String studyUid, int revision, String status, String reason, boolean shadow,
                        String modelId, String modelVersion, String modelSha256, String device, String sopInstanceUid,
                        double score, boolean critical, Long supersededBy, OffsetDateTime createdAt) {
}
