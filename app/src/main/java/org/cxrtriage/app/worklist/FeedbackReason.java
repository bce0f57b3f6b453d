package org.cxrtriage.app.worklist;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Why a radiologist disagreed with an AI finding, stored with the feedback as its code. Given only
 * with a disagreement; performance monitoring counts each.
 */
public enum FeedbackReason {
    /** The finding is there but the AI called it negative. */
    MISSED_FINDING,
    /** The AI called the finding positive but it is not there. */
    FALSE_POSITIVE,
    /** The image is too poor to judge (positioning, exposure, artefacts). */
    POOR_IMAGE,
    OTHER;

    /** The code system of these codes, for FHIR clients. */
    public static final String SYSTEM = "https://cxr-triage.org/fhir/CodeSystem/feedback-reason";

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The reason for a code; empty for null or blank; the message lists the codes otherwise. */
    public static Optional<FeedbackReason> parse(String code) {
        if (code == null || code.isBlank()) {
            return Optional.empty();
        }
        for (FeedbackReason reason : values()) {
            if (reason.code().equals(code.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(reason);
            }
        }
        throw new IllegalArgumentException("unknown feedback reason '" + code + "': use one of "
                + Arrays.stream(values()).map(FeedbackReason::code).collect(Collectors.joining(", ")));
    }
}
