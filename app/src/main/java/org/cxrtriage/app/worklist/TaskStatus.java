package org.cxrtriage.app.worklist;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A worklist item's state (FHIR Task.status). READY: nobody is reading it; IN_PROGRESS: claimed,
 * its reader is the Task owner; COMPLETED: reviewed. Looking at a study changes none of this.
 * {@link WorklistActions} is the only writer.
 */
public enum TaskStatus {
    READY("ready"), IN_PROGRESS("in-progress"), COMPLETED("completed");

    private final String code;

    TaskStatus(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The status with this FHIR code; the message lists the codes that may be set. */
    public static TaskStatus of(String code) {
        return Arrays.stream(values()).filter(status -> status.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Task.status '" + code + "' cannot be set here; use "
                        + Arrays.stream(values()).map(TaskStatus::code).collect(Collectors.joining(", "))));
    }
}
