package org.cxrtriage.dicom.store;

import java.nio.file.Path;
import java.time.Instant;

/** An instance that is on disk in the spool, fsynced, ready to be recorded in the catalogue. */
public record SpooledInstance(
        String sopInstanceUid,
        String sopClassUid,
        String seriesInstanceUid,
        String studyInstanceUid,
        String transferSyntaxUid,
        String callingAeTitle,
        long sizeBytes,
        Instant receivedAt,
        Path file) {
}
