package org.cxrtriage.dicom.scp;

import java.time.Duration;
import java.util.Set;

/**
 * How the DICOM listener presents itself and what it allows.
 *
 * @param aeTitle         our AE title; associations addressed to another called AE are rejected
 * @param bindAddress     interface to listen on ("0.0.0.0" for all)
 * @param port            TCP port, 0 for any free port (tests)
 * @param allowedCallers  calling AE titles allowed to associate; empty means any caller
 * @param maxPduLength    largest P-DATA PDU we offer to receive, in bytes
 * @param maxAssociations associations served at once; more are rejected as transient
 * @param idleTimeout     an association with no PDU for this long is closed
 */
public record ScpSettings(
        String aeTitle,
        String bindAddress,
        int port,
        Set<String> allowedCallers,
        int maxPduLength,
        int maxAssociations,
        Duration idleTimeout) {

    public ScpSettings {
        if (aeTitle == null || aeTitle.isBlank() || aeTitle.length() > 16) {
            throw new IllegalArgumentException("AE title must be 1 to 16 characters, was '" + aeTitle + "'");
        }
        if (maxPduLength < 4096) {
            throw new IllegalArgumentException("max PDU length must be at least 4096 bytes, was " + maxPduLength);
        }
        if (maxAssociations < 1) {
            throw new IllegalArgumentException("max associations must be at least 1, was " + maxAssociations);
        }
        allowedCallers = Set.copyOf(allowedCallers);
    }

    /** The same settings on another port (the TLS listener beside the plain one). */
    public ScpSettings onPort(int otherPort) {
        return new ScpSettings(aeTitle, bindAddress, otherPort, allowedCallers, maxPduLength, maxAssociations, idleTimeout);
    }
}
