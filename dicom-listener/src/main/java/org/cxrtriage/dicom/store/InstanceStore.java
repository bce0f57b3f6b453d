package org.cxrtriage.dicom.store;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Store, then answer: every C-STORE data set is fsynced into the {@link StudySpool} and recorded
 * in the {@link InstanceCatalog} before its status is returned. A success status is returned only
 * for an instance that is safe on disk and committed in the database.
 */
public final class InstanceStore {

    private static final Logger log = LoggerFactory.getLogger(InstanceStore.class);

    private final StudySpool spool;
    private final InstanceCatalog catalog;

    public InstanceStore(StudySpool spool, InstanceCatalog catalog) {
        this.spool = spool;
        this.catalog = catalog;
    }

    /** Starts receiving a data set; refuses at once (Out of Resources) when the disk is too full. */
    public IncomingInstance begin(StoreRequest request) {
        if (!spool.hasRoom()) {
            log.warn("association {}: refusing instance, free space below the floor of {} MB",
                    request.associationId(), spool.minFreeBytes() / (1024 * 1024));
            return IncomingInstance.refused(this, request,
                    DicomStatus.failure(DicomStatus.OUT_OF_RESOURCES, "spool disk below free-space floor"));
        }
        try {
            return IncomingInstance.open(this, request, spool.newIncomingFile());
        } catch (IOException e) {
            return IncomingInstance.refused(this, request,
                    DicomStatus.failure(DicomStatus.OUT_OF_RESOURCES, "cannot create spool file: " + e.getMessage()));
        }
    }

    DicomStatus finish(StoreRequest request, Path file) {
        Identity identity;
        try {
            DataSetStructure.check(file, request.transferSyntaxUid());
            identity = Identity.read(file);
        } catch (Exception e) {
            return quarantine(request, file, DicomStatus.CANNOT_UNDERSTAND, "cannot parse data set: " + e.getMessage());
        }
        DicomStatus mismatch = identity.checkAgainst(request);
        if (mismatch != null) {
            return quarantine(request, file, mismatch.code(), mismatch.comment());
        }
        boolean newFile;
        try {
            newFile = spool.commit(file, identity.studyUid(), identity.sopInstanceUid());
        } catch (IOException e) {
            log.error("association {}: cannot commit instance {} to the spool", request.associationId(),
                    identity.sopInstanceUid(), e);
            deleteQuietly(file);
            return DicomStatus.failure(DicomStatus.OUT_OF_RESOURCES, "cannot write to spool");
        }
        Path stored = spool.pathOf(identity.studyUid(), identity.sopInstanceUid());
        SpooledInstance instance = new SpooledInstance(identity.sopInstanceUid(), identity.sopClassUid(),
                identity.seriesUid(), identity.studyUid(), request.transferSyntaxUid(), request.callingAeTitle(),
                sizeOf(stored), Instant.now(), stored);
        try {
            boolean recordedNow = catalog.record(instance);
            log.debug("association {}: stored instance {} of study {} ({})", request.associationId(),
                    instance.sopInstanceUid(), instance.studyInstanceUid(), recordedNow ? "new" : "re-sent");
            return DicomStatus.success();
        } catch (InstanceCatalog.CatalogUnavailableException e) {
            log.error("association {}: database unavailable, instance {} refused so the sender retries: {}",
                    request.associationId(), instance.sopInstanceUid(), e.getMessage());
            if (newFile) {
                deleteQuietly(stored);
            }
            return DicomStatus.failure(DicomStatus.PROCESSING_FAILURE, "database unavailable, retry later");
        }
    }

    private DicomStatus quarantine(StoreRequest request, Path file, int code, String reason) {
        try {
            Path kept = spool.quarantine(file, request.callingAeTitle(), reason);
            log.warn("association {}: rejected data set from {} ({}); kept as {}", request.associationId(),
                    request.callingAeTitle(), reason, kept.getFileName());
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

    /** The identifying attributes of a received data set, read from its header (not the pixels). */
    private record Identity(String sopClassUid, String sopInstanceUid, String seriesUid, String studyUid) {

        static Identity read(Path file) throws Exception {
            AttributeList list = new AttributeList();
            list.read(file.toFile(), TagFromName.PixelData);
            return new Identity(
                    Attribute.getSingleStringValueOrNull(list, TagFromName.SOPClassUID),
                    Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID),
                    Attribute.getSingleStringValueOrNull(list, TagFromName.SeriesInstanceUID),
                    Attribute.getSingleStringValueOrNull(list, TagFromName.StudyInstanceUID));
        }

        /** Null when the data set is what the C-STORE request announced, else the failure status. */
        DicomStatus checkAgainst(StoreRequest request) {
            if (!request.sopInstanceUid().equals(sopInstanceUid)) {
                return DicomStatus.failure(DicomStatus.CANNOT_UNDERSTAND,
                        "SOP Instance UID differs from the C-STORE request");
            }
            if (!request.sopClassUid().equals(sopClassUid)) {
                return DicomStatus.failure(DicomStatus.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                        "SOP Class UID differs from the C-STORE request");
            }
            if (!StudySpool.isValidUid(studyUid) || !StudySpool.isValidUid(seriesUid)
                    || !StudySpool.isValidUid(sopInstanceUid)) {
                return DicomStatus.failure(DicomStatus.CANNOT_UNDERSTAND, "missing or invalid study, series or SOP UID");
            }
            return null;
        }
    }
}
