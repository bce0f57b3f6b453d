package org.cxrtriage.dicom.scp;

/** What the listener reports about associations, for logs, metrics and (later) the audit log. */
public interface AssociationEvents {

    /** An association request we answered with A-ASSOCIATE-RJ. */
    default void rejected(String callingAeTitle, String calledAeTitle, String remoteAddress, String reason) {
    }

    /** An association that ended, normally or not. */
    default void closed(AssociationSummary summary) {
    }

    AssociationEvents NONE = new AssociationEvents() {
    };
}
