package org.cxrtriage.models.manifest;

/** A manifest or model file that cannot be used; the message names the file, the field and the fix. */
public final class ManifestException extends Exception {

    public ManifestException(String message) {
        super(message);
    }

    public ManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
