package org.cxrtriage.app.worklist;

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
     * ROUTINE, MEDIUM, LOW) or an HL7-style code already (stat, asap, urgent, routine). Only the
     * first word counts: a "STAT" followed by junk a modality appended is still STAT (reading it
     * as routine would lower what the order asked for).
     */
    public static Optional<TaskPriority> fromRequested(Optional<String> requested) {
        return requested.map(value -> switch (value.strip().split("[^A-Za-z]", 2)[0].toUpperCase(Locale.ROOT)) {
            case "STAT" -> STAT;
            case "ASAP" -> ASAP;
            case "HIGH", "URGENT" -> URGENT;
            default -> ROUTINE;
        });
    }
}
