package org.cxrtriage.dicom.scp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upper-layer PDUs (PS3.8 9.3) built byte by byte, so tests can send what a real toolkit never
 * would: padded UIDs, lying lengths, unknown types.
 */
final class Pdus {

    static final String APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";
    static final String VERIFICATION = "1.2.840.10008.1.1";
    static final String CR = "1.2.840.10008.5.1.4.1.1.1";
    static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

    /** One proposed presentation context: an odd id, one abstract syntax, transfer syntaxes in preference order. */
    record Context(int id, String abstractSyntax, List<String> transferSyntaxes) {
        static Context of(int id, String abstractSyntax, String... transferSyntaxes) {
            return new Context(id, abstractSyntax, List.of(transferSyntaxes));
        }
    }

    private Pdus() {
    }

    static byte[] associateRequest(String called, String calling, List<Context> contexts) {
        return associateRequest(called, calling, APPLICATION_CONTEXT, contexts);
    }

    /** UIDs are written exactly as given (a test may append "\0" padding). */
    static byte[] associateRequest(String called, String calling, String applicationContext, List<Context> contexts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] fixed = new byte[68];
        fixed[1] = 1; // protocol version 1
        System.arraycopy(aeTitle(called), 0, fixed, 4, 16);
        System.arraycopy(aeTitle(calling), 0, fixed, 20, 16);
        body.writeBytes(fixed);
        body.writeBytes(item(0x10, ascii(applicationContext)));
        for (Context context : contexts) {
            ByteArrayOutputStream value = new ByteArrayOutputStream();
            value.writeBytes(new byte[] {(byte) context.id(), 0, 0, 0});
            value.writeBytes(item(0x30, ascii(context.abstractSyntax())));
            context.transferSyntaxes().forEach(ts -> value.writeBytes(item(0x40, ascii(ts))));
            body.writeBytes(item(0x20, value.toByteArray()));
        }
        body.writeBytes(item(0x50, item(0x51, ByteBuffer.allocate(4).putInt(16384).array())));
        return pdu(0x01, body.toByteArray());
    }

    /** A P-DATA-TF with one presentation data value item. */
    static byte[] pData(int contextId, boolean command, boolean last, byte[] value) {
        ByteBuffer pdv = ByteBuffer.allocate(4 + 2 + value.length);
        pdv.putInt(2 + value.length).put((byte) contextId).put((byte) ((command ? 1 : 0) | (last ? 2 : 0))).put(value);
        return pdu(0x04, pdv.array());
    }

    static byte[] releaseRequest() {
        return pdu(0x05, new byte[4]);
    }

    /** Only the 6-byte header of a PDU: type and a claimed length, nothing of the body. */
    static byte[] header(int type, long claimedLength) {
        return ByteBuffer.allocate(6).put((byte) type).put((byte) 0).putInt((int) claimedLength).array();
    }

    static byte[] pdu(int type, byte[] body) {
        return ByteBuffer.allocate(6 + body.length).put((byte) type).put((byte) 0).putInt(body.length).put(body).array();
    }

    /** Presentation context id to result/reason (PS3.8 9.3.3.2: 0 acceptance, 3 abstract syntax not supported, 4 transfer syntaxes not supported). */
    static Map<Integer, Integer> presentationContextResults(byte[] associateAcceptBody) {
        Map<Integer, Integer> results = new LinkedHashMap<>();
        int at = 68;
        while (at + 4 <= associateAcceptBody.length) {
            int type = associateAcceptBody[at] & 0xFF;
            int length = ((associateAcceptBody[at + 2] & 0xFF) << 8) | (associateAcceptBody[at + 3] & 0xFF);
            if (type == 0x21) {
                results.put(associateAcceptBody[at + 4] & 0xFF, associateAcceptBody[at + 6] & 0xFF);
            }
            at += 4 + length;
        }
        return results;
    }

    /** The transfer syntax accepted for a presentation context, as the A-ASSOCIATE-AC spells it. */
    static String acceptedTransferSyntax(byte[] associateAcceptBody, int contextId) {
        int at = 68;
        while (at + 4 <= associateAcceptBody.length) {
            int type = associateAcceptBody[at] & 0xFF;
            int length = ((associateAcceptBody[at + 2] & 0xFF) << 8) | (associateAcceptBody[at + 3] & 0xFF);
            if (type == 0x21 && (associateAcceptBody[at + 4] & 0xFF) == contextId && length > 8) {
                int subLength = ((associateAcceptBody[at + 10] & 0xFF) << 8) | (associateAcceptBody[at + 11] & 0xFF);
                return new String(associateAcceptBody, at + 12, subLength, StandardCharsets.US_ASCII);
            }
            at += 4 + length;
        }
        return null;
    }

    static byte[] item(int type, byte[] value) {
        return ByteBuffer.allocate(4 + value.length).put((byte) type).put((byte) 0).putShort((short) value.length)
                .put(value).array();
    }

    static byte[] aeTitle(String title) {
        return String.format("%-16s", title).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
