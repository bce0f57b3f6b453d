package org.cxrtriage.dicom.store;

import java.util.Optional;

/**
 * Durable record of received instances (the application's database). Called before the C-STORE
 * response is sent: when {@link #record} returns, the row must be committed.
 */
public interface InstanceCatalog {

    /**
     * What is recorded under a SOP Instance UID.
     *
     * @param contentSha256 hash of the recorded data set; null for rows recorded before hashes were kept
     */
    record Recorded(String studyInstanceUid, String contentSha256) {
    }

    /** The current record of {@code sopInstanceUid}, if any; read before the spool is touched. */
    Optional<Recorded> recorded(String sopInstanceUid) throws CatalogUnavailableException;

    /**
     * Records the instance, deciding under the row's lock whether it is new, an identical re-send
     * (nothing changes) or a changed re-send (the row is replaced and its study reopened).
     *
     * @return what the catalogue found: authoritative when two senders race on one SOP Instance UID
     * @throws CatalogUnavailableException if the record could not be committed
     */
    Receipt record(SpooledInstance instance) throws CatalogUnavailableException;

    /** The catalogue could not commit; the SCU gets a failure status and should retry. */
    final class CatalogUnavailableException extends Exception {
        public CatalogUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
