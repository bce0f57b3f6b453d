package org.cxrtriage.dicom.scp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes DIMSE response command sets (PS3.7 9.3, E.1) in implicit VR little endian. Written by
 * hand because PixelMed's response messages cannot carry an Error Comment (0000,0902).
 */
final class CommandSet {

    private static final int C_STORE_RSP = 0x8001;
    private static final int C_ECHO_RSP = 0x8030;
    private static final int NO_DATA_SET = 0x0101;

    private final ByteArrayOutputStream elements = new ByteArrayOutputStream(160);

    private CommandSet() {
    }

    static byte[] cStoreResponse(String sopClassUid, String sopInstanceUid, int messageId, int status, String comment) {
        CommandSet set = new CommandSet();
        set.uid(0x0002, sopClassUid);
        set.unsignedShort(0x0100, C_STORE_RSP);
        set.unsignedShort(0x0120, messageId);
        set.unsignedShort(0x0800, NO_DATA_SET);
        set.unsignedShort(0x0900, status);
        if (comment != null && !comment.isEmpty()) {
            set.text(0x0902, comment);
        }
        set.uid(0x1000, sopInstanceUid);
        return set.withGroupLength();
    }

    static byte[] cEchoResponse(String sopClassUid, int messageId) {
        CommandSet set = new CommandSet();
        set.uid(0x0002, sopClassUid);
        set.unsignedShort(0x0100, C_ECHO_RSP);
        set.unsignedShort(0x0120, messageId);
        set.unsignedShort(0x0800, NO_DATA_SET);
        set.unsignedShort(0x0900, 0x0000);
        return set.withGroupLength();
    }

    private void uid(int element, String uid) {
        byte[] value = uid.getBytes(StandardCharsets.US_ASCII);
        element(element, value, (byte) 0);
    }

    private void text(int element, String text) {
        String ascii = text.replaceAll("[^\\x20-\\x7E]", "?");
        element(element, ascii.getBytes(StandardCharsets.US_ASCII), (byte) ' ');
    }

    private void unsignedShort(int element, int value) {
        header(element, 2);
        elements.write(value & 0xFF);
        elements.write((value >> 8) & 0xFF);
    }

    private void element(int element, byte[] value, byte padding) {
        int length = value.length + (value.length % 2);
        header(element, length);
        elements.writeBytes(value);
        if (length != value.length) {
            elements.write(padding);
        }
    }

    private void header(int element, int length) {
        elements.write(0);
        elements.write(0);
        elements.write(element & 0xFF);
        elements.write((element >> 8) & 0xFF);
        elements.write(length & 0xFF);
        elements.write((length >> 8) & 0xFF);
        elements.write((length >> 16) & 0xFF);
        elements.write((length >> 24) & 0xFF);
    }

    private byte[] withGroupLength() {
        byte[] body = elements.toByteArray();
        CommandSet group = new CommandSet();
        group.header(0x0000, 4);
        int length = body.length;
        group.elements.write(length & 0xFF);
        group.elements.write((length >> 8) & 0xFF);
        group.elements.write((length >> 16) & 0xFF);
        group.elements.write((length >> 24) & 0xFF);
        group.elements.writeBytes(body);
        return group.elements.toByteArray();
    }
}
