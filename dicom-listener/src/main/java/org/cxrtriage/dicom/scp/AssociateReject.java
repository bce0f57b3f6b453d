package org.cxrtriage.dicom.scp;

import java.io.IOException;
import java.io.OutputStream;

/** The A-ASSOCIATE-RJ answers we give ourselves (PS3.8 9.3.4, Table 9-21). */
enum AssociateReject {
    /** Permanent, by the service user: calling AE title not recognised. */
    CALLING_AE_NOT_RECOGNISED(1, 1, 3),
    /** Permanent, by the service user: called AE title not recognised. */
    CALLED_AE_NOT_RECOGNISED(1, 1, 7),
    /** Permanent, by the service provider (ACSE): no reason given (a malformed or oversized A-ASSOCIATE-RQ). */
    MALFORMED_REQUEST(1, 2, 1),
    /** Permanent, by the service provider (ACSE): protocol version not supported. */
    PROTOCOL_VERSION_NOT_SUPPORTED(1, 2, 2),
    /** Transient, by the service provider (presentation): local limit exceeded. */
    TOO_MANY_ASSOCIATIONS(2, 3, 2);

    private final int result;
    private final int source;
    private final int reason;

    AssociateReject(int result, int source, int reason) {
        this.result = result;
        this.source = source;
        this.reason = reason;
    }

    byte[] pdu() {
        return new byte[] {0x03, 0, 0, 0, 0, 4, 0, (byte) result, (byte) source, (byte) reason};
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(pdu());
        out.flush();
    }
}
