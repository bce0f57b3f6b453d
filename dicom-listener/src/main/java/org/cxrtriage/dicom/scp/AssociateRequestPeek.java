package org.cxrtriage.dicom.scp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The first PDU of an association, read before PixelMed sees it so that the calling AE title can
 * be checked (PixelMed has no hook for that). The bytes are replayed to PixelMed afterwards.
 * A-ASSOCIATE-RQ layout (PS3.8 9.3.2): PDU type 0x01, reserved, 4-byte length, protocol version
 * (2), reserved (2), called AE title (16, offset 10), calling AE title (16, offset 26).
 */
record AssociateRequestPeek(byte[] bytes, boolean isAssociateRequest, String calledAeTitle, String callingAeTitle) {

    private static final int HEADER = 6;
    private static final int MAX_ASSOCIATE_RQ = 1 << 20;

    static AssociateRequestPeek read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(HEADER);
        if (header.length < HEADER) {
            throw new EOFException("connection closed before an A-ASSOCIATE-RQ arrived");
        }
        long length = ((header[2] & 0xFFL) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
        boolean associateRequest = header[0] == 0x01;
        if (!associateRequest || length < 68 || length > MAX_ASSOCIATE_RQ) {
            return new AssociateRequestPeek(header, false, null, null);
        }
        byte[] pdu = new byte[HEADER + (int) length];
        System.arraycopy(header, 0, pdu, 0, HEADER);
        int read = in.readNBytes(pdu, HEADER, (int) length);
        if (read < length) {
            throw new EOFException("connection closed inside the A-ASSOCIATE-RQ");
        }
        return new AssociateRequestPeek(pdu, true, aeTitle(pdu, 10), aeTitle(pdu, 26));
    }

    private static String aeTitle(byte[] pdu, int offset) {
        return new String(pdu, offset, 16, StandardCharsets.US_ASCII).trim();
    }
}
