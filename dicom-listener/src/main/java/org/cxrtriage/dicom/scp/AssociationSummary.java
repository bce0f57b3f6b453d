package org.cxrtriage.dicom.scp;

import java.time.Duration;

/**
 * One association from request to close.
 *
 * @param stored            C-STOREs answered with success
 * @param failed            C-STOREs answered with a failure status
 * @param endedBy           "release", "abort", "idle timeout", "aborted: why" or an error description
 * @param protocolViolation the peer sent a PDU we refused, and we aborted the association
 */
public record AssociationSummary(
        String id,
        String callingAeTitle,
        String remoteAddress,
        int echoes,
        int stored,
        int failed,
        Duration duration,
        String endedBy,
        boolean protocolViolation) {
}
