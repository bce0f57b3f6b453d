package org.cxrtriage.app.worklist;

import java.util.Locale;

/** What the AI could do for a worklist item (Task.businessStatus), stored as its code. */
public enum BusinessStatus {
    SCORED, NOT_SCORED;

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static BusinessStatus of(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
