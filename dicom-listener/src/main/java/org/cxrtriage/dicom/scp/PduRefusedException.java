package org.cxrtriage.dicom.scp;

import java.io.IOException;

/**
 * A PDU we will not read: its header broke a rule of {@link PduLimits}. Carries the PDU we answer
 * with (an A-ASSOCIATE-RJ while the association is being negotiated, an A-ABORT otherwise) and
 * the reason in words for the log line and the audit record.
 */
final class PduRefusedException extends IOException {

    private final transient byte[] answer;
    private final String reason;

    PduRefusedException(String reason, byte[] answer) {
        super("refused PDU: " + reason);
        this.reason = reason;
        this.answer = answer.clone();
    }

    String reason() {
        return reason;
    }

    /** The complete PDU to send before closing. */
    byte[] answer() {
        return answer.clone();
    }
}
