package org.cxrtriage.dicom.store;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TransferSyntax;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One data set being received in C-STORE fragments. The bytes go straight to an incoming file
 * behind a Part 10 file meta header, and into a SHA-256 of the data set bytes (the content hash
 * that tells an identical re-send from a changed one); nothing is parsed or decoded until
 * {@link #complete()}.
 * A refused instance (no room, write failure) swallows the remaining fragments so the association
 * can answer with its failure status.
 */
public final class IncomingInstance implements AutoCloseable {

    private static final int BUFFER_BYTES = 256 * 1024;

    private final StoreRequest request;
    private final Path file;
    private final MessageDigest contentHash = sha256();
    private FileOutputStream fileStream;
    private OutputStream out;
    private DicomStatus refusal;
    private long bytesReceived;

    private IncomingInstance(StoreRequest request, Path file, DicomStatus refusal) {
        this.request = request;
        this.file = file;
        this.refusal = refusal;
    }

    static IncomingInstance refused(StoreRequest request, DicomStatus status) {
        return new IncomingInstance(request, null, status);
    }

    static IncomingInstance open(StoreRequest request, Path file) {
        IncomingInstance instance = new IncomingInstance(request, file, null);
        try {
            instance.fileStream = new FileOutputStream(file.toFile());
            instance.out = new BufferedOutputStream(instance.fileStream, BUFFER_BYTES);
            writeFileMeta(instance.out, request);
        } catch (IOException | DicomException e) {
            instance.fail(DicomStatus.failure(DicomStatus.OUT_OF_RESOURCES, "cannot write to spool: " + e.getMessage()));
        }
        return instance;
    }

    private static void writeFileMeta(OutputStream out, StoreRequest request) throws IOException, DicomException {
        FileMetaInformation meta = new FileMetaInformation(request.sopClassUid(), request.sopInstanceUid(),
                request.transferSyntaxUid(), request.callingAeTitle());
        DicomOutputStream dicomOut = new DicomOutputStream(out, TransferSyntax.ExplicitVRLittleEndian, null);
        meta.getAttributeList().write(dicomOut);
        dicomOut.flush();
    }

    /** Appends one fragment of the data set. */
    public void write(byte[] fragment) {
        bytesReceived += fragment.length;
        if (refusal != null) {
            return;
        }
        try {
            out.write(fragment);
            contentHash.update(fragment);
        } catch (IOException e) {
            fail(DicomStatus.failure(DicomStatus.OUT_OF_RESOURCES, "cannot write to spool: " + e.getMessage()));
        }
    }

    /**
     * What arrived: the data set fsynced in {@code file} with the SHA-256 of its bytes, or the
     * refusal the C-STORE must be answered with ({@code file} then null).
     */
    public record Arrival(StoreRequest request, Path file, String contentSha256, DicomStatus refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    /**
     * Called after the last fragment: makes the received bytes durable on disk (fsync) and says
     * what arrived. {@link InstanceStore#finish} then checks, files and records it.
     */
    public Arrival complete() {
        if (refusal != null) {
            return new Arrival(request, null, null, refusal);
        }
        try {
            out.flush();
            fileStream.getChannel().force(false);
            out.close();
        } catch (IOException e) {
            fail(DicomStatus.failure(DicomStatus.OUT_OF_RESOURCES, "cannot write to spool: " + e.getMessage()));
            return new Arrival(request, null, null, refusal);
        }
        return new Arrival(request, file, HexFormat.of().formatHex(contentHash.digest()), null);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public StoreRequest request() {
        return request;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    /** Discards a data set that never completed (association aborted). */
    @Override
    public void close() {
        closeQuietly();
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // cleared at the next start by StudySpool.clearIncoming
            }
        }
    }

    private void fail(DicomStatus status) {
        refusal = status;
        closeQuietly();
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is discarded anyway
            }
        }
    }
}
