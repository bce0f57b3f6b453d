package org.cxrtriage.dicom.store;

import java.util.Set;

/**
 * Whether an instance's pixels have been through lossy compression, for the worklist and FHIR to
 * show (a model's verdict on a lossy image deserves a second look). True when Lossy Image
 * Compression (0028,2110) says "01" (PS3.3 C.7.6.1.1.5: at any point in the image's history), or
 * when the pixel data arrived in a lossy transfer syntax (PS3.5 Table A-1; JPEG 2000 "Image
 * Compression" counts, as it may be lossy).
 */
public final class LossyCompression {

    static final Set<String> LOSSY_TRANSFER_SYNTAXES = Set.of(
            "1.2.840.10008.1.2.4.50",   // JPEG baseline (process 1)
            "1.2.840.10008.1.2.4.51",   // JPEG extended (processes 2 and 4)
            "1.2.840.10008.1.2.4.52", "1.2.840.10008.1.2.4.53", "1.2.840.10008.1.2.4.54", "1.2.840.10008.1.2.4.55",
            "1.2.840.10008.1.2.4.56", "1.2.840.10008.1.2.4.59", "1.2.840.10008.1.2.4.60", "1.2.840.10008.1.2.4.61",
            "1.2.840.10008.1.2.4.62", "1.2.840.10008.1.2.4.63", "1.2.840.10008.1.2.4.64", // retired lossy JPEG
            "1.2.840.10008.1.2.4.81",   // JPEG-LS near-lossless
            "1.2.840.10008.1.2.4.91",   // JPEG 2000 (lossy or lossless)
            "1.2.840.10008.1.2.4.93",   // JPEG 2000 Part 2 (lossy or lossless)
            "1.2.840.10008.1.2.4.100", "1.2.840.10008.1.2.4.101", "1.2.840.10008.1.2.4.102",
            "1.2.840.10008.1.2.4.103", "1.2.840.10008.1.2.4.104", "1.2.840.10008.1.2.4.105",
            "1.2.840.10008.1.2.4.106", "1.2.840.10008.1.2.4.107", "1.2.840.10008.1.2.4.108", // MPEG-2/4, HEVC
            "1.2.840.10008.1.2.4.203",  // High-Throughput JPEG 2000 (lossy or lossless)
            "1.2.840.10008.1.2.8.3");   // JPEG XL

    private LossyCompression() {
    }

    /**
     * @param lossyImageCompression value of (0028,2110), null when absent
     * @param hasPixelData          a transfer syntax says nothing about an object without pixels
     */
    public static boolean of(String transferSyntaxUid, String lossyImageCompression, boolean hasPixelData) {
        if ("01".equals(lossyImageCompression == null ? null : lossyImageCompression.trim())) {
            return true;
        }
        return hasPixelData && LOSSY_TRANSFER_SYNTAXES.contains(transferSyntaxUid);
    }
}
