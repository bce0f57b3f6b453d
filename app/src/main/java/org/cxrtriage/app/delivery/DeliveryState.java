package org.cxrtriage.app.delivery;

/**
 * The life of one outbox row (one result to one destination). Only {@link DeliveryQueue} changes it:
 * <pre>
 * PENDING --claim--> SENDING --delivered--> SENT
 *    ^                  |---retryable, before the give-up time---> PENDING (next attempt after a back-off)
 *    |                  |---refused for good, or give-up time passed---> FAILED --retry (a person)--> PENDING
 *    |                  '---lease expired (the node died)---> claimable again by any node
 *    '--- SKIPPED: the destination does not want this message, or a later version replaced it unsent
 * </pre>
 */
public enum DeliveryState {
    PENDING, SENDING, SENT, FAILED, SKIPPED
}
