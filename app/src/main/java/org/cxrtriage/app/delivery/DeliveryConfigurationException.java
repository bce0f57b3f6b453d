package org.cxrtriage.app.delivery;

/** A destination list or setting that cannot work; the message names the variable, the entry and the fix. */
public final class DeliveryConfigurationException extends IllegalArgumentException {

    public DeliveryConfigurationException(String message) {
        super(message);
    }
}
