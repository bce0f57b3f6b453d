package org.cxrtriage.app.worklist;

import java.util.Locale;

/**
 * What the AI could do for a worklist item, stored as its code and served as Task.businessStatus
 * (a code of {@link #SYSTEM} with the reason as text), so other systems need not parse sentences.
 */
public enum BusinessStatus {
    /** Scored; the AI's findings may raise the priority. */
    SCORED("Scored by the AI"),
    /** Scored, but the image is unlike the model's reference data: findings are indeterminate, priority not raised. */
    UNRELIABLE("AI unreliable"),
    /** Scored while AI triage is suspended by the monitoring stop rule: priority not raised. */
    SUSPENDED("AI triage suspended"),
    /** Not scored: not a frontal adult chest radiograph, undecodable, no image, ... (the reason says which). */
    NOT_SCORED("Not scored"),
    /** Not scored because triage failed on every attempt. */
    ERROR("Not scored: error");

    /** The code system of these codes. */
    public static final String SYSTEM = "https://cxr-triage.org/fhir/CodeSystem/business-status";

    private final String display;

    BusinessStatus(String display) {
        this.display = display;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String display() {
        return display;
    }

    /** Whether the AI's scores exist to be shown (with their status), even if they did not decide. */
    public boolean scoresShown() {
        return this == SCORED || this == UNRELIABLE || this == SUSPENDED;
    }

    /** Whether the AI's output decided the item's priority. */
    public boolean aiDecides() {
        return this == SCORED;
    }

    public static BusinessStatus of(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
