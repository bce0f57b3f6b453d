package org.cxrtriage.dicom.scp;

/** The A-ABORT PDUs we send as the service provider (PS3.8 9.3.8, Table 9-26: source 2). */
enum Abort {
    /** A PDU whose type code PS3.8 does not define. */
    UNRECOGNIZED_PDU(1),
    /** A defined PDU that is not allowed in the association's state. */
    UNEXPECTED_PDU(2),
    /** A PDU whose length breaks a rule (beyond the negotiated maximum, wrong fixed length). */
    INVALID_PDU_PARAMETER_VALUE(6);

    private static final int SERVICE_PROVIDER = 2;

    private final int reason;

    Abort(int reason) {
        this.reason = reason;
    }

    byte[] pdu() {
        return new byte[] {0x07, 0, 0, 0, 0, 4, 0, 0, (byte) SERVICE_PROVIDER, (byte) reason};
    }
}
