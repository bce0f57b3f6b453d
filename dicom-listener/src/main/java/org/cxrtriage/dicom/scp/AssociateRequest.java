package org.cxrtriage.dicom.scp;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The first PDU of a connection, read before PixelMed sees it: the AE titles are checked here
 * (PixelMed has no hook for that) and the PDU is replayed to PixelMed afterwards. Layout (PS3.8
 * 9.3.2): type 0x01, reserved, 4-byte length, protocol version (2), reserved (2), called AE title
 * (16), calling AE title (16), reserved (32), then items.
 *
 * <p>Invariants: the header is checked by {@link PduLimits#firstPdu} before the body is read; the
 * body buffer grows only as bytes arrive (never sized from the announced length); the replayed
 * bytes have every UID of the application context, abstract syntax, transfer syntax and
 * implementation class items stripped of trailing NUL and space padding (PS3.8 9.3.2.2 forbids
 * padding, but some modalities pad with NUL), so matching never sees a padded UID.
 *
 * @param bytes          the PDU to replay to PixelMed, UIDs trimmed, length fields rewritten
 * @param calledAeTitle  without padding; may hold characters an AE title must not (see {@link #aeTitlesValid})
 * @param callingAeTitle without padding; as for calledAeTitle
 */
record AssociateRequest(byte[] bytes, String calledAeTitle, String callingAeTitle) {

    private static final int CHUNK = 4096;
    private static final int APPLICATION_CONTEXT = 0x10;
    private static final int PRESENTATION_CONTEXT = 0x20;
    private static final int ABSTRACT_SYNTAX = 0x30;
    private static final int TRANSFER_SYNTAX = 0x40;
    private static final int USER_INFORMATION = 0x50;
    private static final int IMPLEMENTATION_CLASS_UID = 0x52;

    /**
     * Reads the first PDU. Throws {@link PduRefusedException} (carrying the A-ASSOCIATE-RJ or
     * A-ABORT to send) when it is not an acceptable A-ASSOCIATE-RQ, and {@link EOFException} when
     * the peer closes first.
     */
    static AssociateRequest read(InputStream in, PduLimits limits) throws IOException {
        PduHeader header = PduHeader.readOrNull(in);
        if (header == null) {
            throw new EOFException("connection closed before an A-ASSOCIATE-RQ arrived");
        }
        PduRefusedException refusal = limits.firstPdu(header);
        if (refusal != null) {
            throw refusal;
        }
        byte[] body = readGrowing(in, (int) header.length());
        if ((body[1] & 0x01) == 0) {
            throw new PduRefusedException("A-ASSOCIATE-RQ protocol version " + ((body[0] & 0xFF) << 8 | body[1] & 0xFF)
                    + " does not include version 1", AssociateReject.PROTOCOL_VERSION_NOT_SUPPORTED.pdu());
        }
        byte[] items = trimmedItems(body);
        ByteBuffer pdu = ByteBuffer.allocate(PduHeader.SIZE + PduLimits.ASSOCIATE_RQ_FIXED_FIELDS + items.length);
        pdu.put((byte) 0x01).put((byte) 0).putInt(PduLimits.ASSOCIATE_RQ_FIXED_FIELDS + items.length)
                .put(body, 0, PduLimits.ASSOCIATE_RQ_FIXED_FIELDS).put(items);
        return new AssociateRequest(pdu.array(), aeTitle(body, 4), aeTitle(body, 20));
    }

    /**
     * True when both AE titles are 1 to 16 characters of the default repertoire without control
     * characters or backslash (PS3.5 6.2, AE). Anything else is refused before it reaches a log,
     * the audit trail or the catalogue.
     */
    boolean aeTitlesValid() {
        return validAeTitle(calledAeTitle) && validAeTitle(callingAeTitle);
    }

    static boolean validAeTitle(String title) {
        return !title.isEmpty() && title.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '\\');
    }

    private static byte[] readGrowing(InputStream in, int length) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.min(length, CHUNK));
        byte[] chunk = new byte[Math.min(length, CHUNK)];
        int remaining = length;
        while (remaining > 0) {
            int n = in.read(chunk, 0, Math.min(remaining, chunk.length));
            if (n < 0) {
                throw new EOFException("connection closed inside the A-ASSOCIATE-RQ");
            }
            body.write(chunk, 0, n);
            remaining -= n;
        }
        return body.toByteArray();
    }

    /** AE title field without leading spaces and trailing space or NUL padding (ISO 8859-1, so every byte maps). */
    private static String aeTitle(byte[] body, int offset) {
        int start = offset;
        int end = offset + 16;
        while (end > start && (body[end - 1] == ' ' || body[end - 1] == 0)) {
            end--;
        }
        while (start < end && body[start] == ' ') {
            start++;
        }
        return new String(body, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** The variable items after the fixed fields, rebuilt with trimmed UIDs. */
    private static byte[] trimmedItems(byte[] body) throws PduRefusedException {
        return rebuild(body, PduLimits.ASSOCIATE_RQ_FIXED_FIELDS, body.length, 0);
    }

    /**
     * Rebuilds the items in {@code [from, to)}. {@code depth} 0 is the PDU's item list, 1 the
     * sub-items of a presentation context (after its 4 fixed bytes) or of user information.
     */
    private static byte[] rebuild(byte[] body, int from, int to, int depth) throws PduRefusedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int at = from;
        while (at < to) {
            if (at + 4 > to) {
                throw malformed("an item header at offset " + (PduHeader.SIZE + at) + " is cut short");
            }
            int type = body[at] & 0xFF;
            int length = (body[at + 2] & 0xFF) << 8 | body[at + 3] & 0xFF;
            int valueStart = at + 4;
            int valueEnd = valueStart + length;
            if (valueEnd > to) {
                throw malformed(String.format("item 0x%02X at offset %d claims %d bytes, more than its PDU holds",
                        type, PduHeader.SIZE + at, length));
            }
            byte[] value;
            if (depth == 0 && type == PRESENTATION_CONTEXT) {
                if (length < 4) {
                    throw malformed("a presentation context item of " + length + " bytes");
                }
                ByteArrayOutputStream context = new ByteArrayOutputStream(length);
                context.write(body, valueStart, 4);
                context.writeBytes(rebuild(body, valueStart + 4, valueEnd, 1));
                value = context.toByteArray();
            } else if (depth == 0 && type == USER_INFORMATION) {
                value = rebuild(body, valueStart, valueEnd, 1);
            } else if (isUid(type, depth)) {
                value = trimmedUid(body, valueStart, valueEnd);
            } else {
                value = java.util.Arrays.copyOfRange(body, valueStart, valueEnd);
            }
            out.write(type);
            out.write(body[at + 1]);
            out.write(value.length >> 8);
            out.write(value.length);
            out.writeBytes(value);
            at = valueEnd;
        }
        return out.toByteArray();
    }

    private static boolean isUid(int type, int depth) {
        return depth == 0 ? type == APPLICATION_CONTEXT
                : type == ABSTRACT_SYNTAX || type == TRANSFER_SYNTAX || type == IMPLEMENTATION_CLASS_UID;
    }

    private static byte[] trimmedUid(byte[] body, int from, int to) {
        int end = to;
        while (end > from && (body[end - 1] == 0 || body[end - 1] == ' ')) {
            end--;
        }
        return java.util.Arrays.copyOfRange(body, from, end);
    }

    private static PduRefusedException malformed(String what) {
        return new PduRefusedException("malformed A-ASSOCIATE-RQ: " + what, AssociateReject.MALFORMED_REQUEST.pdu());
    }
}
