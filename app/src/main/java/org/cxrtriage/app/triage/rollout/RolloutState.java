package org.cxrtriage.app.triage.rollout;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where an installed model version stands. Only {@link #ACTIVE} and {@link #CANARY} versions set
 * worklist priority (a canary on its share of new studies); {@link #SHADOW} versions are scored and
 * recorded only; {@link #AVAILABLE} and {@link #RETIRED} versions are installed but not run.
 */
public enum RolloutState {
    AVAILABLE, SHADOW, CANARY, ACTIVE, RETIRED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when the server loads and scores this version. */
    public boolean runs() {
        return this == SHADOW || this == CANARY || this == ACTIVE;
    }

    public static RolloutState parse(String text) {
        for (RolloutState state : values()) {
            if (state.code().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown state '" + text + "'; use one of "
                + Arrays.stream(values()).map(RolloutState::code).collect(Collectors.joining(", ")));
    }
}
