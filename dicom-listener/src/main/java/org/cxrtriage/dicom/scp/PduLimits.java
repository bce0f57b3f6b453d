package org.cxrtriage.dicom.scp;

/**
 * Which PDU headers we let through, decided from the 6-byte header alone, before a single byte of
 * the body is read or any buffer is sized (PS3.8 9.3). The first PDU must be an A-ASSOCIATE-RQ of
 * at most {@value #MAX_ASSOCIATE_RQ} bytes; after negotiation a P-DATA-TF may be at most the
 * maximum length we offered plus {@value #ALLOWANCE} bytes (for peers that count the PDU header
 * in), A-RELEASE-RQ, A-RELEASE-RP and A-ABORT have their fixed length of 4, and nothing else is
 * allowed.
 *
 * @param maxPDataLength largest P-DATA-TF body accepted: our maximum length received plus the allowance
 */
record PduLimits(long maxPDataLength) {

    /** Bytes a P-DATA-TF may exceed the negotiated maximum by. */
    static final int ALLOWANCE = 1024;
    /** Largest A-ASSOCIATE-RQ body; 128 presentation contexts with several transfer syntaxes each need ~20 KiB. */
    static final int MAX_ASSOCIATE_RQ = 64 * 1024;
    /** Protocol version, reserved, called and calling AE titles, reserved (PS3.8 Table 9-11). */
    static final int ASSOCIATE_RQ_FIXED_FIELDS = 68;
    /** Length of A-ASSOCIATE-RJ, A-RELEASE-RQ, A-RELEASE-RP and A-ABORT bodies. */
    private static final int FIXED_SHORT_PDU = 4;
    /** One PDV item: 4-byte length, context id, message control header. */
    private static final int SMALLEST_PDV_ITEM = 6;

    static PduLimits forMaxPduLength(int maxPduLength) {
        return new PduLimits((long) maxPduLength + ALLOWANCE);
    }

    /**
     * Checks the first PDU of a connection. Returns null when it is an A-ASSOCIATE-RQ we will read,
     * otherwise the refusal: A-ASSOCIATE-RJ for a request of impossible length, A-ABORT for any
     * other PDU (PS3.8 9.2, state Sta2, action AA-1).
     */
    PduRefusedException firstPdu(PduHeader header) {
        PduType type = header.type();
        if (type == null) {
            return new PduRefusedException("expected A-ASSOCIATE-RQ, got " + header.describe(), Abort.UNRECOGNIZED_PDU.pdu());
        }
        if (type != PduType.ASSOCIATE_RQ) {
            return new PduRefusedException("expected A-ASSOCIATE-RQ, got " + header.describe(), Abort.UNEXPECTED_PDU.pdu());
        }
        if (header.length() < ASSOCIATE_RQ_FIXED_FIELDS) {
            return new PduRefusedException(header.describe() + " is shorter than its fixed fields ("
                    + ASSOCIATE_RQ_FIXED_FIELDS + " bytes)", AssociateReject.MALFORMED_REQUEST.pdu());
        }
        if (header.length() > MAX_ASSOCIATE_RQ) {
            return new PduRefusedException(header.describe() + " exceeds the limit of " + MAX_ASSOCIATE_RQ + " bytes",
                    AssociateReject.MALFORMED_REQUEST.pdu());
        }
        return null;
    }

    /** Checks a PDU of an established association; null when it may be read, else the A-ABORT refusal. */
    PduRefusedException associated(PduHeader header) {
        PduType type = header.type();
        if (type == null) {
            return new PduRefusedException(header.describe(), Abort.UNRECOGNIZED_PDU.pdu());
        }
        return switch (type) {
            case P_DATA_TF -> pData(header);
            case RELEASE_RQ, RELEASE_RP, ABORT -> header.length() == FIXED_SHORT_PDU ? null
                    : new PduRefusedException(header.describe() + " (must be " + FIXED_SHORT_PDU + ")",
                    Abort.INVALID_PDU_PARAMETER_VALUE.pdu());
            case ASSOCIATE_RQ, ASSOCIATE_AC, ASSOCIATE_RJ -> new PduRefusedException(
                    "unexpected " + header.describe() + " on an established association", Abort.UNEXPECTED_PDU.pdu());
        };
    }

    private PduRefusedException pData(PduHeader header) {
        if (header.length() < SMALLEST_PDV_ITEM) {
            return new PduRefusedException(header.describe() + " cannot hold a presentation data value item",
                    Abort.INVALID_PDU_PARAMETER_VALUE.pdu());
        }
        if (header.length() > maxPDataLength) {
            return new PduRefusedException(header.describe() + " exceeds the negotiated maximum of "
                    + (maxPDataLength - ALLOWANCE) + " (+" + ALLOWANCE + ") bytes", Abort.INVALID_PDU_PARAMETER_VALUE.pdu());
        }
        return null;
    }
}
