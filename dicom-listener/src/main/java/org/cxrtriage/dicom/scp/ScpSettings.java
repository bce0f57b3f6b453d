package org.cxrtriage.dicom.scp;

import java.time.Duration;
import java.util.Set;

/**
 * How the DICOM listener presents itself and what it allows.
 *
 * @param aeTitle                   our AE title; associations addressed to another called AE are rejected
 * @param bindAddress               interface to listen on ("0.0.0.0" for all)
 * @param port                      TCP port, 0 for any free port (tests)
 * @param allowedCallers            calling AE titles allowed to associate; empty means any caller
 * @param maxPduLength              largest P-DATA PDU we offer to receive, in bytes
 * @param maxAssociations           connections served at once, counted from accept; more are rejected as transient
 * @param idleTimeout               an established association with no PDU for this long is closed
 * @param associationRequestTimeout total time from accept to a complete A-ASSOCIATE-RQ (TLS handshake included)
 * @param maxAssociationsPerAddress connections from one calling IP address served at once, at most maxAssociations
 */
public record ScpSettings(
        String aeTitle,
        String bindAddress,
        int port,
        Set<String> allowedCallers,
        int maxPduLength,
        int maxAssociations,
        Duration idleTimeout,
        Duration associationRequestTimeout,
        int maxAssociationsPerAddress) {

    /** Default time limit of the association request phase. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

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
        if (maxAssociationsPerAddress < 1 || maxAssociationsPerAddress > maxAssociations) {
            throw new IllegalArgumentException("max associations per address must be between 1 and max associations ("
                    + maxAssociations + "), was " + maxAssociationsPerAddress);
        }
        if (associationRequestTimeout.isNegative() || associationRequestTimeout.isZero()) {
            throw new IllegalArgumentException("the association request timeout must be positive, was " + associationRequestTimeout);
        }
        allowedCallers = Set.copyOf(allowedCallers);
    }

    /** Settings with the default request timeout and half the slots (at least one) per address. */
    public ScpSettings(String aeTitle, String bindAddress, int port, Set<String> allowedCallers, int maxPduLength,
                       int maxAssociations, Duration idleTimeout) {
        this(aeTitle, bindAddress, port, allowedCallers, maxPduLength, maxAssociations, idleTimeout,
                DEFAULT_REQUEST_TIMEOUT, defaultPerAddress(maxAssociations));
    }

    /** Half of the slots, at least one: one address can never take every slot unless there is only one. */
    public static int defaultPerAddress(int maxAssociations) {
        return Math.max(1, maxAssociations / 2);
    }

    /** The same settings on another port (the TLS listener beside the plain one). */
    public ScpSettings onPort(int otherPort) {
        return new ScpSettings(aeTitle, bindAddress, otherPort, allowedCallers, maxPduLength, maxAssociations, idleTimeout,
                associationRequestTimeout, maxAssociationsPerAddress);
    }
}
