package org.cxrtriage.app.monitoring;

import java.util.Locale;

/** Population monitoring's one status, worst of its signals; ordered ok < warning < alarm. */
public enum MonitorStatus {
    OK, WARNING, ALARM;

    /** ok, warning or alarm: what /api/monitoring and the database hold. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** 0, 1 or 2: the value of {@code triage_drift_status}. */
    public int gauge() {
        return ordinal();
    }

    public MonitorStatus worse(MonitorStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    public static MonitorStatus of(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
