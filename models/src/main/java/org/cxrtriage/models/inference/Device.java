package org.cxrtriage.models.inference;

import java.util.Locale;

/** Where inference runs, as requested by TRIAGE_DEVICE. */
public enum Device {
    CPU, CUDA, AUTO;

    public static Device parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TRIAGE_DEVICE is '" + value + "'; use cpu, cuda or auto");
        }
    }
}
