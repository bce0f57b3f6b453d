package org.cxrtriage.dicom.store;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Walks every element of a received Part 10 file without reading values, and fails when an
 * element claims more bytes than the file holds, a sequence is not closed, or the data set is cut
 * short. PixelMed's reader is lenient about both, so this runs first: a truncated or corrupted
 * instance must not be acknowledged. Values are skipped, never allocated, so an absurd length
 * costs nothing. On the way it notes whether the data set carries pixel data at its top level.
 */
final class DataSetStructure {

    private static final long UNDEFINED = 0xFFFF_FFFFL;
    private static final int ITEM = 0xFFFE_E000;
    private static final int ITEM_END = 0xFFFE_E00D;
    private static final int SEQUENCE_END = 0xFFFE_E0DD;
    private static final int PIXEL_DATA = 0x7FE0_0010;
    private static final int FLOAT_PIXEL_DATA = 0x7FE0_0008;
    private static final int DOUBLE_FLOAT_PIXEL_DATA = 0x7FE0_0009;
    private static final int MAX_DEPTH = 32;
    private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

    private final DataInputStream in;
    private final boolean explicitVr;
    private final boolean bigEndian;
    private boolean pixelData;

    private DataSetStructure(InputStream in, boolean explicitVr, boolean bigEndian) {
        this.in = new DataInputStream(in);
        this.explicitVr = explicitVr;
        this.bigEndian = bigEndian;
    }

    /**
     * Throws {@link MalformedDataSetException} naming what is wrong; if the data set is sound,
     * returns whether it holds (Float or Double Float) Pixel Data at its top level.
     */
    static boolean check(Path file, String transferSyntaxUid) throws IOException, MalformedDataSetException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            skipFileMeta(raw);
            boolean deflated = "1.2.840.10008.1.2.1.99".equals(transferSyntaxUid);
            InputStream body = deflated ? new InflaterInputStream(raw, new Inflater(true), 64 * 1024) : raw;
            boolean implicit = "1.2.840.10008.1.2".equals(transferSyntaxUid);
            boolean big = "1.2.840.10008.1.2.2".equals(transferSyntaxUid);
            DataSetStructure structure = new DataSetStructure(body, !implicit, big);
            structure.walkUntilEnd();
            return structure.pixelData;
        } catch (EOFException e) {
            throw new MalformedDataSetException("data set ends inside an element (truncated or wrong length)");
        }
    }

    /** The file meta header we wrote ourselves: preamble, DICM, then group 2 with its group length. */
    private static void skipFileMeta(InputStream raw) throws IOException {
        raw.skipNBytes(132 + 8);
        byte[] length = raw.readNBytes(4);
        if (length.length < 4) {
            throw new EOFException();
        }
        long groupLength = (length[0] & 0xFFL) | (length[1] & 0xFFL) << 8 | (length[2] & 0xFFL) << 16 | (length[3] & 0xFFL) << 24;
        raw.skipNBytes(groupLength);
    }

    private void walkUntilEnd() throws IOException, MalformedDataSetException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return;
            }
            int tag = element(first, 0);
            if (tag == PIXEL_DATA || tag == FLOAT_PIXEL_DATA || tag == DOUBLE_FLOAT_PIXEL_DATA) {
                pixelData = true;
            }
        }
    }

    /** Reads one element whose first byte has been read already. Returns its tag. */
    private int element(int firstByte, int depth) throws IOException, MalformedDataSetException {
        int group = u16(firstByte, in.readUnsignedByte());
        int number = u16(in.readUnsignedByte(), in.readUnsignedByte());
        int tag = group << 16 | number;
        if (group == 0xFFFE) {
            long length = u32();
            if (tag == ITEM && length != UNDEFINED) {
                in.skipNBytes(length);
            } else if (tag == ITEM) {
                nestedDataSet(depth + 1);
            }
            return tag;
        }
        String vr = null;
        long length;
        if (explicitVr) {
            vr = new String(new byte[] {in.readByte(), in.readByte()}, java.nio.charset.StandardCharsets.US_ASCII);
            if (!vr.matches("[A-Z]{2}")) {
                throw new MalformedDataSetException(String.format("invalid VR at element (%04X,%04X)", group, number));
            }
            if (LONG_VRS.contains(vr)) {
                in.skipNBytes(2);
                length = u32();
            } else {
                length = u16(in.readUnsignedByte(), in.readUnsignedByte());
            }
        } else {
            length = u32();
        }
        if (length == UNDEFINED) {
            if (explicitVr && !("SQ".equals(vr) || "UN".equals(vr) || tag == PIXEL_DATA)) {
                throw new MalformedDataSetException(String.format("undefined length on %s element (%04X,%04X)", vr, group, number));
            }
            sequence(depth + 1);
        } else {
            in.skipNBytes(length);
        }
        return tag;
    }

    private void sequence(int depth) throws IOException, MalformedDataSetException {
        requireDepth(depth);
        while (true) {
            int tag = element(in.readUnsignedByte(), depth);
            if (tag == SEQUENCE_END) {
                return;
            }
            if (tag != ITEM) {
                throw new MalformedDataSetException(String.format("expected an item in a sequence, found (%04X,%04X)",
                        tag >>> 16, tag & 0xFFFF));
            }
        }
    }

    private void nestedDataSet(int depth) throws IOException, MalformedDataSetException {
        requireDepth(depth);
        while (element(in.readUnsignedByte(), depth) != ITEM_END) {
            // elements of the item until its delimiter
        }
    }

    private static void requireDepth(int depth) throws MalformedDataSetException {
        if (depth > MAX_DEPTH) {
            throw new MalformedDataSetException("sequences nested deeper than " + MAX_DEPTH);
        }
    }

    private int u16(int a, int b) {
        return bigEndian ? (a << 8 | b) : (b << 8 | a);
    }

    private long u32() throws IOException {
        long a = in.readUnsignedByte();
        long b = in.readUnsignedByte();
        long c = in.readUnsignedByte();
        long d = in.readUnsignedByte();
        return bigEndian ? (a << 24 | b << 16 | c << 8 | d) : (d << 24 | c << 16 | b << 8 | a);
    }

    /** A data set whose encoding is broken. */
    static final class MalformedDataSetException extends Exception {
        MalformedDataSetException(String message) {
            super(message);
        }
    }
}
