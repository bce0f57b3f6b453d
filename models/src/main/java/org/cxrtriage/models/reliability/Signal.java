package org.cxrtriage.models.reliability;

/**
 * One check of the reliability verdict.
 *
 * @param name      stable identifier, e.g. "embedding.distance", "header.modality"
 * @param value     what was measured, in the check's own unit (a distance, a count, 1 for an unseen value)
 * @param threshold the value at which the check fires
 * @param fired     this check alone makes the study unreliable (never true for an advisory signal)
 * @param advisory  reported for information and drift, never decisive alone (e.g. a new manufacturer)
 * @param detail    a short human explanation, empty when there is nothing to add
 */
public record Signal(String name, double value, double threshold, boolean fired, boolean advisory, String detail) {

    /** Value divided by threshold: 1.0 is at the threshold. */
    public double normalised() {
        return threshold > 0 ? value / threshold : (value > 0 ? Double.POSITIVE_INFINITY : 0);
    }
}
