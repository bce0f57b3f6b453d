package org.cxrtriage.dicom.scp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The socket's input as PixelMed reads it after negotiation, with every PDU header checked
 * before PixelMed may read it. PixelMed allocates whatever a PDU header announces (its
 * {@code getRestOfPDU}); this stream reads each 6-byte header completely, checks it against
 * {@link PduLimits}, and only then releases the header and, as they arrive, the body bytes.
 * A refused header is answered with an A-ABORT on the spot and every later read fails with the
 * same {@link PduRefusedException}, so PixelMed never sees a byte of that PDU.
 *
 * <p>Invariants: reads never cross a PDU boundary (each read returns bytes of one PDU only), so
 * the next header is always read here, whole, before PixelMed gets any of it; nothing is buffered
 * except one header or the replayed A-ASSOCIATE-RQ.
 */
final class PduBoundaryInputStream extends InputStream {

    private final InputStream raw;
    private final OutputStream answers;
    private final PduLimits limits;
    /** A checked header (or the replayed A-ASSOCIATE-RQ) not yet handed to the reader. */
    private byte[] pending;
    private int pendingAt;
    /** Body bytes of the current PDU still to pass through. */
    private long bodyLeft;
    private volatile PduRefusedException refusal;

    /**
     * @param replayed the whole first PDU, already read and checked by {@link AssociateRequest}
     * @param answers  where the A-ABORT for a refused PDU is written (the socket's output)
     */
    PduBoundaryInputStream(InputStream raw, OutputStream answers, PduLimits limits, byte[] replayed) {
        this.raw = raw;
        this.answers = answers;
        this.limits = limits;
        this.pending = replayed.clone();
    }

    /** The refusal that ended this association, or null. */
    PduRefusedException refusal() {
        return refusal;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (refusal != null) {
            throw refusal;
        }
        if (length == 0) {
            return 0;
        }
        if (pending == null && bodyLeft == 0 && !nextHeader()) {
            return -1;
        }
        if (pending != null) {
            int n = Math.min(length, pending.length - pendingAt);
            System.arraycopy(pending, pendingAt, buffer, offset, n);
            pendingAt += n;
            if (pendingAt == pending.length) {
                pending = null;
                pendingAt = 0;
            }
            return n;
        }
        int n = raw.read(buffer, offset, (int) Math.min(length, bodyLeft));
        if (n > 0) {
            bodyLeft -= n;
        }
        return n;
    }

    /** Reads and checks the next header; false at a clean end of stream. */
    private boolean nextHeader() throws IOException {
        PduHeader header = PduHeader.readOrNull(raw);
        if (header == null) {
            return false;
        }
        PduRefusedException refused = limits.associated(header);
        if (refused != null) {
            refusal = refused;
            try {
                answers.write(refused.answer());
                answers.flush();
            } catch (IOException peerGone) {
                // the peer closed already; the refusal stands and is reported by the caller
            }
            throw refused;
        }
        pending = header.bytes();
        bodyLeft = header.length();
        return true;
    }

    /** Only bytes that can be read without crossing into an unchecked header. */
    @Override
    public int available() throws IOException {
        if (pending != null) {
            return pending.length - pendingAt;
        }
        return bodyLeft == 0 ? 0 : (int) Math.min(bodyLeft, raw.available());
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }
}
