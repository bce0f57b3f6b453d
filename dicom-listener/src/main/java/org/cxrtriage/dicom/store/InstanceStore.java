package org.cxrtriage.dicom.store;

import org.cxrtriage.dicom.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Store, then answer: every C-STORE data set is checked, fsynced into the {@link StudySpool} when
 * it is kept, and recorded in the {@link InstanceCatalog} before its status is returned. A success
 * status is returned only for an instance that is recorded and, if kept, safe on disk.
 *
 * <p>What is kept: {@link InstanceKind#RADIOGRAPH} objects always; other objects (SR, KOS, CT, ...)
 * only with {@code keepNonImages}, otherwise they are recorded and their bytes discarded. A
 * re-send is compared with the catalogue's content hash: identical bytes change nothing, changed
 * bytes replace the spooled copy atomically and are recorded as a correction.
 */
public final class InstanceStore {

    private static final Logger log = LoggerFactory.getLogger(InstanceStore.class);

    private final StudySpool spool;
    private final InstanceCatalog catalog;
    private final boolean keepNonImages;

    public InstanceStore(StudySpool spool, InstanceCatalog catalog) {
        this(spool, catalog, false);
    }

    public InstanceStore(StudySpool spool, InstanceCatalog catalog, boolean keepNonImages) {
        this.spool = spool;
        this.catalog = catalog;
        this.keepNonImages = keepNonImages;
    }

    /** Starts receiving a data set; refuses at once (Out of Resources) when the disk is too full. */
    public IncomingInstance begin(StoreRequest request) {
        if (!spool.hasRoom()) {
            log.warn("association {}: refusing instance, free space below the floor of {} MB",
                    request.associationId(), spool.minFreeBytes() / (1024 * 1024));
            return IncomingInstance.refused(request,
                    DicomStatus.failure(DicomStatus.OUT_OF_RESOURCES, "spool disk below free-space floor"));
        }
        try {
            return IncomingInstance.open(request, spool.newIncomingFile());
        } catch (IOException e) {
            return IncomingInstance.refused(request,
                    DicomStatus.failure(DicomStatus.OUT_OF_RESOURCES, "cannot create spool file: " + e.getMessage()));
        }
    }

    /**
     * Files and records what arrived, or passes its refusal on. Returns the status for the C-STORE
     * response; success only once the instance is durable in the spool and committed in the catalogue.
     */
    public DicomStatus finish(IncomingInstance.Arrival arrival) {
        if (arrival.refused()) {
            return arrival.refusal();
        }
        return finish(arrival.request(), arrival.file(), arrival.contentSha256());
    }

    private DicomStatus finish(StoreRequest request, Path file, String contentSha256) {
        ReceivedHeader header;
        boolean hasPixelData;
        try {
            hasPixelData = DataSetStructure.check(file, request.transferSyntaxUid());
            header = ReceivedHeader.read(file);
        } catch (Exception e) {
            return quarantine(request, file, DicomStatus.CANNOT_UNDERSTAND, "cannot parse data set: " + e.getMessage());
        }
        DicomStatus refusal = header.checkAgainst(request);
        if (refusal != null) {
            return quarantine(request, file, refusal.code(), refusal.comment());
        }
        Optional<InstanceCatalog.Recorded> before;
        try {
            before = catalog.recorded(header.sopInstanceUid());
        } catch (InstanceCatalog.CatalogUnavailableException e) {
            return databaseDown(request, header.sopInstanceUid(), e, file);
        }
        InstanceKind kind = InstanceKind.of(header.sopClassUid(), hasPixelData);
        long size = sizeOf(file);
        Path stored = null;
        boolean newFile = false;
        if (kind.triaged() || keepNonImages) {
            try {
                newFile = spool.commit(file, header.studyUid(), header.sopInstanceUid());
            } catch (IOException e) {
                log.error("association {}: cannot commit instance {} to the spool", request.associationId(),
                        header.sopInstanceUid(), e);
                deleteQuietly(file);
                return DicomStatus.failure(DicomStatus.OUT_OF_RESOURCES, "cannot write to spool");
            }
            stored = spool.pathOf(header.studyUid(), header.sopInstanceUid());
        } else {
            deleteQuietly(file);
        }
        SpooledInstance instance = new SpooledInstance(header.sopInstanceUid(), header.sopClassUid(), header.seriesUid(),
                header.studyUid(), request.transferSyntaxUid(), request.callingAeTitle(), size, Instant.now(), stored, kind,
                contentSha256, LossyCompression.of(request.transferSyntaxUid(), header.lossyImageCompression(), hasPixelData),
                header.patient(), receiptOf(before, contentSha256));
        try {
            Receipt receipt = catalog.record(instance);
            before.filter(previous -> !previous.studyInstanceUid().equals(instance.studyInstanceUid()))
                    .ifPresent(previous -> removeMovedCopy(previous.studyInstanceUid(), instance.sopInstanceUid()));
            log.debug("association {}: {} instance {} of study {} ({})", request.associationId(), kind,
                    instance.sopInstanceUid(), instance.studyInstanceUid(), receipt);
            return DicomStatus.success();
        } catch (InstanceCatalog.CatalogUnavailableException e) {
            if (newFile) {
                deleteQuietly(stored);
            }
            return databaseDown(request, instance.sopInstanceUid(), e, null);
        }
    }

    private static Receipt receiptOf(Optional<InstanceCatalog.Recorded> before, String contentSha256) {
        if (before.isEmpty()) {
            return Receipt.NEW;
        }
        String previous = before.get().contentSha256();
        return previous != null && previous.equals(contentSha256) ? Receipt.IDENTICAL_RESEND : Receipt.CHANGED_RESEND;
    }

    /** A corrected re-send moved the instance to another study: its old copy must not stay behind. */
    private void removeMovedCopy(String previousStudyUid, String sopInstanceUid) {
        try {
            spool.remove(previousStudyUid, sopInstanceUid);
        } catch (IOException | IllegalArgumentException e) {
            log.warn("could not remove the superseded copy of instance {} from study {}: {}", sopInstanceUid,
                    previousStudyUid, LogSafe.text(e.getMessage()));
        }
    }

    private DicomStatus databaseDown(StoreRequest request, String sopInstanceUid, Exception e, Path incoming) {
        log.error("association {}: database unavailable, instance {} refused so the sender retries: {}",
                request.associationId(), sopInstanceUid, LogSafe.text(e.getMessage()));
        if (incoming != null) {
            deleteQuietly(incoming);
        }
        return DicomStatus.failure(DicomStatus.PROCESSING_FAILURE, "database unavailable, retry later");
    }

    private DicomStatus quarantine(StoreRequest request, Path file, int code, String reason) {
        try {
            Path kept = spool.quarantine(file, request.callingAeTitle(), reason);
            log.warn("association {}: rejected data set from {} ({}); kept as {}", request.associationId(),
                    request.callingAeTitle(), LogSafe.text(reason), kept.getFileName());
        } catch (IOException e) {
            log.error("association {}: could not quarantine rejected data set", request.associationId(), e);
            deleteQuietly(file);
        }
        return DicomStatus.failure(code, reason);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // an orphan file in the spool is harmless; the sender retries
        }
    }
}
