package org.cxrtriage.app.delivery;

import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * The one way into result delivery from triage: called inside the transaction that stores a
 * study's result, so the result and its deliveries commit together (or not at all). Writes the
 * message and one pending delivery per configured destination; the delivery workers of any node
 * send them after the commit. Operations notices (no patient data) go in the same way, inside the
 * transaction of their event ({@link OperationsNotices}).
 */
@Singleton
public final class DeliveryOutbox {

    private final DeliveryDestinations destinations;
    private final OperationsNotices notices;

    public DeliveryOutbox(DeliveryDestinations destinations, OperationsNotices notices) {
        this.destinations = destinations;
        this.notices = notices;
    }

    /** Queues {@code message} for every configured destination inside the caller's transaction. */
    public void enqueue(Connection connection, OutboxMessage message, OffsetDateTime at) throws SQLException {
        DeliveryQueue.enqueue(connection, message, destinations.all(), at);
    }

    /** Queues an operations notice for every configured webhook and mailbox inside the caller's transaction. */
    public void enqueue(Connection connection, OperationsNotice notice) throws SQLException {
        notices.enqueue(connection, notice);
    }
}
