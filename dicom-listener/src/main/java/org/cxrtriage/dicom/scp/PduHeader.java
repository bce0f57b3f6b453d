package org.cxrtriage.dicom.scp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The 6-byte header of a PDU (PS3.8 9.3.1): type, a reserved byte, and the length of the rest as
 * an unsigned 32-bit big-endian number. Read completely before anything is decided about the
 * body, and never used to size a buffer by itself.
 *
 * @param bytes  the six header bytes as received
 * @param length body length announced by the peer, 0 to 4 294 967 295
 */
record PduHeader(byte[] bytes, int typeCode, long length) {

    static final int SIZE = 6;

    /** The next header, or null when the peer closed the connection cleanly before sending one. */
    static PduHeader readOrNull(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        byte[] bytes = new byte[SIZE];
        bytes[0] = (byte) first;
        int read = 1;
        while (read < SIZE) {
            int n = in.read(bytes, read, SIZE - read);
            if (n < 0) {
                throw new EOFException("connection closed inside a PDU header");
            }
            read += n;
        }
        long length = (bytes[2] & 0xFFL) << 24 | (bytes[3] & 0xFFL) << 16 | (bytes[4] & 0xFFL) << 8 | (bytes[5] & 0xFFL);
        return new PduHeader(bytes, bytes[0] & 0xFF, length);
    }

    /** The standard's name for this PDU type, or null for an unknown type. */
    PduType type() {
        return PduType.of(typeCode);
    }

    /** "P-DATA-TF of 805306368 bytes", "unknown PDU type 0x09 of 4 bytes". */
    String describe() {
        PduType type = type();
        String name = type == null ? String.format("unknown PDU type 0x%02X", typeCode) : type.standardName();
        return name + " of " + length + " bytes";
    }
}
