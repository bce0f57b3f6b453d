package org.cxrtriage.dicom.image;

/** The pixel data cannot be turned into a {@link DecodedImage}; the message says why. */
public final class UndecodableImageException extends Exception {

    public UndecodableImageException(String message) {
        super(message);
    }

    public UndecodableImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
