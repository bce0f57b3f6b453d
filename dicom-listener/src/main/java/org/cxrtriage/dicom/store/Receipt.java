package org.cxrtriage.dicom.store;

/**
 * How a received instance relates to what was stored before under the same SOP Instance UID,
 * decided by comparing the SHA-256 of its data set bytes.
 */
public enum Receipt {
    /** The SOP Instance UID was not recorded before. */
    NEW,
    /** The same bytes again (a retried C-STORE, a re-forwarded study): nothing changes. */
    IDENTICAL_RESEND,
    /**
     * Different bytes under a recorded SOP Instance UID: a correction (new accession, demographics,
     * pixels). It replaces the stored copy, and the study is triaged again. Also used when the
     * stored copy's hash is unknown (recorded before hashes were kept), so nothing is absorbed unseen.
     */
    CHANGED_RESEND
}
