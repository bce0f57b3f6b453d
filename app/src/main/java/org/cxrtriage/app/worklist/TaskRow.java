package org.cxrtriage.app.worklist;

import java.time.OffsetDateTime;

/**
 * A worklist item (FHIR Task): its state, priority and what the AI said.
 *
 * @param status         ready, in-progress or completed
 * @param businessStatus scored or not-scored (then {@code reason} says why)
 * @param agedScore      as stored: the score raised by re-scores; the waiting bonus is added when the list is
 *                       ordered ({@link WorklistOrder})
 * @param version        raised on every change (FHIR meta.versionId, the ETag an If-Match must name)
 */
public record TaskRow(String studyUid, String status, String priority, double triageScore, double agedScore,
                      boolean critical, String businessStatus, String reason, Long currentResultId, String owner,
                      OffsetDateTime authoredOn, OffsetDateTime lastModified, long version) {
}
