package org.cxrtriage.dicom.store;

/** What a C-STORE request says about the data set that follows it. */
public record StoreRequest(
        String sopClassUid,
        String sopInstanceUid,
        String transferSyntaxUid,
        String callingAeTitle,
        String associationId) {
}
