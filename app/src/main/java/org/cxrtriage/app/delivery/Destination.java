package org.cxrtriage.app.delivery;

/**
 * Somewhere a study's result is delivered to: a PACS (DICOM SR), a RIS (HL7 v2 over MLLP), a
 * webhook or a mailbox. One instance per configured destination; instances hold no per-message
 * state and may be called from several outbox workers at once.
 */
public interface Destination {

    /** A short stable name for the kind of destination: {@code dicom}, {@code hl7}, {@code webhook}, {@code email}. */
    String kind();

    /** Where this destination sends, for logs and the outbox row (no secrets, no patient data). */
    String describe();

    /**
     * Whether this destination wants the message at all (e.g. notifications only for critical
     * findings raised by the AI). The outbox writes no delivery row when this is false.
     */
    default boolean wants(ResultMessage message) {
        return true;
    }

    /**
     * Sends one message once, within the destination's timeouts. Never throws for a network or
     * peer failure, nor for odd header values: every outcome is an {@link Attempt}.
     */
    Attempt send(ResultMessage message);
}
