package org.cxrtriage.compliance.chain;

import java.time.Instant;
import java.util.List;

/**
 * One thing that happened, before it is chained: who did what to which study, with what outcome.
 *
 * @param actorType  USER, AE (a DICOM peer, by calling AE title) or SYSTEM
 * @param action     a stable verb, e.g. "dicom.store", "study.view", "task.update", "login.failed"
 * @param studyUid   the study concerned, or null
 * @param resources  other resources concerned, e.g. "Task/1.2.3", "Device/cxr-reference-…"
 * @param outcome    SUCCESS or FAILURE
 * @param source     network address of the caller, or null
 * @param details    free text without patient names or IDs
 */
public record AuditEntry(Instant time, String actorType, String actor, String action, String studyUid,
                         List<String> resources, String outcome, String source, String details) {

    public AuditEntry {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }
}
