package org.cxrtriage.app.triage;

import java.util.Locale;
import java.util.Optional;

/** FHIR request priority (Task.priority), lowest first. */
public enum TaskPriority {
    ROUTINE, URGENT, ASAP, STAT;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskPriority max(TaskPriority a, TaskPriority b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /**
     * The priority an order asked for, from DICOM Requested Procedure Priority (STAT, HIGH,
     * ROUTINE, MEDIUM, LOW) or an HL7-style code already (stat, asap, urgent, routine).
     */
    public static Optional<TaskPriority> fromRequested(Optional<String> requested) {
        return requested.map(value -> switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "STAT" -> STAT;
            case "ASAP" -> ASAP;
            case "HIGH", "URGENT" -> URGENT;
            default -> ROUTINE;
        });
    }
}
