package org.cxrtriage.dicom.scp;

/**
 * What the listener reports about associations, for logs, metrics and the audit log. Every text
 * passed here that came from the wire has been checked (AE titles) or escaped; reasons are ours.
 */
public interface AssociationEvents {

    /** An association request we answered with A-ASSOCIATE-RJ or A-ABORT, or that never completed. */
    default void rejected(String callingAeTitle, String calledAeTitle, String remoteAddress, String reason) {
    }

    /** An association that ended, normally or not. */
    default void closed(AssociationSummary summary) {
    }

    /**
     * A C-STORE answered.
     *
     * @param bytes the data set bytes received for it
     */
    default void answered(org.cxrtriage.dicom.store.DicomStatus status, long bytes) {
    }

    /** Connections closed without any answer because the listener was flooded; reported in batches. */
    default void dropped(long count, String reason) {
    }

    AssociationEvents NONE = new AssociationEvents() {
    };

    /** Reports every event to each of {@code events}, in order. */
    static AssociationEvents all(AssociationEvents... events) {
        return new AssociationEvents() {
            @Override
            public void rejected(String callingAeTitle, String calledAeTitle, String remoteAddress, String reason) {
                for (AssociationEvents e : events) {
                    e.rejected(callingAeTitle, calledAeTitle, remoteAddress, reason);
                }
            }

            @Override
            public void closed(AssociationSummary summary) {
                for (AssociationEvents e : events) {
                    e.closed(summary);
                }
            }

            @Override
            public void answered(org.cxrtriage.dicom.store.DicomStatus status, long bytes) {
                for (AssociationEvents e : events) {
                    e.answered(status, bytes);
                }
            }

            @Override
            public void dropped(long count, String reason) {
                for (AssociationEvents e : events) {
                    e.dropped(count, reason);
                }
            }
        };
    }
}
