package org.cxrtriage.dicom.store;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The attributes of a received data set the store needs, read from its header (never the pixels):
 * identity, patient identifiers and Lossy Image Compression.
 *
 * @param multiValued the name of a UID attribute sent with more than one value, or null
 */
record ReceivedHeader(String sopClassUid, String sopInstanceUid, String seriesUid, String studyUid,
                      PatientIdentifiers patient, String lossyImageCompression, String multiValued) {

    private static final AttributeTag ISSUER_OF_PATIENT_ID = new AttributeTag(0x0010, 0x0021);
    private static final AttributeTag LOSSY_IMAGE_COMPRESSION = new AttributeTag(0x0028, 0x2110);

    static ReceivedHeader read(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.read(file.toFile(), TagFromName.PixelData);
        String multiValued = null;
        if (valueCount(list, TagFromName.StudyInstanceUID) > 1) {
            multiValued = "Study Instance UID";
        } else if (valueCount(list, TagFromName.SeriesInstanceUID) > 1) {
            multiValued = "Series Instance UID";
        } else if (valueCount(list, TagFromName.SOPInstanceUID) > 1) {
            multiValued = "SOP Instance UID";
        }
        return new ReceivedHeader(
                Attribute.getSingleStringValueOrNull(list, TagFromName.SOPClassUID),
                Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID),
                Attribute.getSingleStringValueOrNull(list, TagFromName.SeriesInstanceUID),
                Attribute.getSingleStringValueOrNull(list, TagFromName.StudyInstanceUID),
                new PatientIdentifiers(Attribute.getSingleStringValueOrNull(list, ISSUER_OF_PATIENT_ID),
                        Attribute.getSingleStringValueOrNull(list, TagFromName.PatientID)),
                Attribute.getSingleStringValueOrNull(list, LOSSY_IMAGE_COMPRESSION),
                multiValued);
    }

    private static int valueCount(AttributeList list, AttributeTag tag) {
        Attribute attribute = list.get(tag);
        return attribute == null ? 0 : attribute.getVM();
    }

    /**
     * Null when the data set can be stored as what the C-STORE request announced, else the
     * failure status: UIDs with more than one value (VM 1 in PS3.3), a SOP Instance or Class UID
     * differing from the request, missing or invalid UIDs.
     */
    DicomStatus checkAgainst(StoreRequest request) {
        if (multiValued != null) {
            return DicomStatus.failure(DicomStatus.CANNOT_UNDERSTAND, multiValued + " has more than one value");
        }
        if (!request.sopInstanceUid().equals(sopInstanceUid)) {
            return DicomStatus.failure(DicomStatus.CANNOT_UNDERSTAND, "SOP Instance UID differs from the C-STORE request");
        }
        if (!request.sopClassUid().equals(sopClassUid)) {
            return DicomStatus.failure(DicomStatus.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, "SOP Class UID differs from the C-STORE request");
        }
        if (!StudySpool.isValidUid(studyUid) || !StudySpool.isValidUid(seriesUid) || !StudySpool.isValidUid(sopInstanceUid)) {
            return DicomStatus.failure(DicomStatus.CANNOT_UNDERSTAND, "missing or invalid study, series or SOP UID");
        }
        return null;
    }
}
