package org.cxrtriage.dicom.store;

import java.nio.file.Path;
import java.time.Instant;

/**
 * An instance that was received, checked and, if it is kept, fsynced into the spool; ready to be
 * recorded in the catalogue.
 *
 * @param sizeBytes        size of the received object as a Part 10 file
 * @param file             where it is in the spool; null when it is not kept (an object that is not a
 *                         {@link InstanceKind#RADIOGRAPH} while keep-non-images is off)
 * @param kind             what it is to triage
 * @param contentSha256    SHA-256 (hex) of the data set bytes as received, file meta information excluded
 * @param lossyCompression Lossy Image Compression (0028,2110) is "01", or pixel data arrived in a lossy
 *                         transfer syntax ({@link LossyCompression})
 * @param patient          patient identifiers for the catalogue's identity check (PHI)
 * @param receipt          new, identical re-send or changed re-send, as the catalogue knew it before storing
 */
public record SpooledInstance(
        String sopInstanceUid,
        String sopClassUid,
        String seriesInstanceUid,
        String studyInstanceUid,
        String transferSyntaxUid,
        String callingAeTitle,
        long sizeBytes,
        Instant receivedAt,
        Path file,
        InstanceKind kind,
        String contentSha256,
        boolean lossyCompression,
        PatientIdentifiers patient,
        Receipt receipt) {

    public boolean kept() {
        return file != null;
    }
}
