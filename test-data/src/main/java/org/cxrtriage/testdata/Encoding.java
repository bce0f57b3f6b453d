package org.cxrtriage.testdata;

/**
 * The transfer syntaxes a test can ask for, with the UID and whether the encoding keeps every
 * pixel value. The accepted set of the listener is all of these but JPEG-LS and 12-bit JPEG.
 */
public enum Encoding {
    IMPLICIT_LITTLE_ENDIAN("1.2.840.10008.1.2", true),
    EXPLICIT_LITTLE_ENDIAN("1.2.840.10008.1.2.1", true),
    EXPLICIT_BIG_ENDIAN("1.2.840.10008.1.2.2", true),
    DEFLATED("1.2.840.10008.1.2.1.99", true),
    JPEG_BASELINE("1.2.840.10008.1.2.4.50", false),
    JPEG_EXTENDED_12BIT("1.2.840.10008.1.2.4.51", false),
    JPEG_LOSSLESS("1.2.840.10008.1.2.4.57", true),
    JPEG_LOSSLESS_SV1("1.2.840.10008.1.2.4.70", true),
    JPEG_LS_LOSSLESS("1.2.840.10008.1.2.4.80", true),
    JPEG_2000_LOSSLESS("1.2.840.10008.1.2.4.90", true),
    RLE("1.2.840.10008.1.2.5", true);

    private final String uid;
    private final boolean lossless;

    Encoding(String uid, boolean lossless) {
        this.uid = uid;
        this.lossless = lossless;
    }

    public String uid() {
        return uid;
    }

    public boolean lossless() {
        return lossless;
    }

    /** JPEG baseline carries 8 bits per sample; everything else here takes the phantom's 12 bits. */
    public int bitsStoredFor() {
        return this == JPEG_BASELINE ? 8 : 12;
    }
}
