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

    /** Connections closed without any answer because the listener was flooded; reported in batches. */
    default void dropped(long count, String reason) {
    }

    AssociationEvents NONE = new AssociationEvents() {
    };
}
