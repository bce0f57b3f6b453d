package org.cxrtriage.dicom.store;

/**
 * Durable record of spooled instances (the application's database). Called before the C-STORE
 * response is sent: when {@link #record} returns, the row must be committed.
 */
public interface InstanceCatalog {

    /**
     * Records the instance and marks its study as receiving.
     *
     * @return true if the SOP Instance UID was new, false if it was already recorded (a re-send)
     * @throws CatalogUnavailableException if the record could not be committed
     */
    boolean record(SpooledInstance instance) throws CatalogUnavailableException;

    /** The catalogue could not commit; the SCU gets a failure status and should retry. */
    final class CatalogUnavailableException extends Exception {
        public CatalogUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
