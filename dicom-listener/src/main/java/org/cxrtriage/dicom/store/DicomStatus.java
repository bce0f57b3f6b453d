package org.cxrtriage.dicom.store;

/**
 * The outcome of one C-STORE as the SCU will see it: a DIMSE status (PS3.4 B.2.3, PS3.7 C) and,
 * for failures, a short Error Comment (at most 64 characters, the LO limit).
 */
public record DicomStatus(int code, String comment) {

    public static final int SUCCESS = 0x0000;
    /** Refused: Out of Resources. The SCU should retry later. */
    public static final int OUT_OF_RESOURCES = 0xA700;
    /** Error: Data Set does not match SOP Class. */
    public static final int DATA_SET_DOES_NOT_MATCH_SOP_CLASS = 0xA900;
    /** Error: Cannot understand. */
    public static final int CANNOT_UNDERSTAND = 0xC000;
    /** Processing failure (a C-class failure): something on our side failed, retry later. */
    public static final int PROCESSING_FAILURE = 0xC001;

    public DicomStatus {
        if (comment != null && comment.length() > 64) {
            comment = comment.substring(0, 64);
        }
    }

    public static DicomStatus success() {
        return new DicomStatus(SUCCESS, null);
    }

    public static DicomStatus failure(int code, String comment) {
        return new DicomStatus(code, comment);
    }

    public boolean isSuccess() {
        return code == SUCCESS;
    }

    @Override
    public String toString() {
        return String.format("0x%04X%s", code, comment == null ? "" : " (" + comment + ")");
    }
}
