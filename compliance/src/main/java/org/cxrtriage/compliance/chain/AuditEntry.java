package org.cxrtriage.compliance.chain;

import java.time.Instant;
import java.util.ArrayList;
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

    /** Field sizes of the audit_record table; {@link #bounded()} keeps every entry within them. */
    static final int ACTOR_TYPE = 16;
    static final int ACTOR = 200;
    static final int ACTION = 100;
    static final int STUDY = 64;
    static final int RESOURCE = 300;
    /** Characters of the stored resource list; each resource is counted at its worst-case JSON length. */
    static final int RESOURCES_BUDGET = 60_000;
    static final int OUTCOME = 16;
    static final int SOURCE = 100;
    static final int DETAILS = 2000;

    public AuditEntry {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }

    /**
     * This entry as it can always be stored: every field within its column, control characters
     * escaped, as many resources as fit the column (a last entry then says how many more there
     * were). Whatever arrives from the network, writing the record cannot fail on its size.
     */
    public AuditEntry bounded() {
        List<String> kept = new ArrayList<>();
        int budget = RESOURCES_BUDGET - 40;
        for (int i = 0; i < resources.size(); i++) {
            String resource = AuditText.clean(resources.get(i), RESOURCE);
            String safe = resource == null ? "" : resource;
            budget -= 2 * safe.length() + 3;
            if (budget < 0) {
                kept.add("…(" + (resources.size() - i) + " more)");
                break;
            }
            kept.add(safe);
        }
        return new AuditEntry(time, required(actorType, ACTOR_TYPE), required(actor, ACTOR), required(action, ACTION),
                AuditText.clean(studyUid, STUDY), kept, required(outcome, OUTCOME), AuditText.clean(source, SOURCE),
                AuditText.clean(details, DETAILS));
    }

    /** The cleaned value of a field the table requires: absent becomes empty. */
    private static String required(String value, int max) {
        return value == null ? "" : AuditText.clean(value, max);
    }
}
