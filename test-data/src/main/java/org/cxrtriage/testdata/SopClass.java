package org.cxrtriage.testdata;

/** Storage SOP Class UIDs of the objects the generator writes (PS3.4 B.5). */
public final class SopClass {
    public static final String CR = "1.2.840.10008.5.1.4.1.1.1";
    public static final String DX_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1";
    public static final String DX_PROCESSING = "1.2.840.10008.5.1.4.1.1.1.1.1";
    public static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
    public static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    private SopClass() {
    }

    /** The SOP class a modality code is written with. */
    public static String forModality(String modality) {
        return switch (modality) {
            case "CR" -> CR;
            case "DX" -> DX_PRESENTATION;
            case "OT" -> SECONDARY_CAPTURE;
            case "CT" -> CT;
            default -> throw new IllegalArgumentException("no SOP class for modality " + modality);
        };
    }
}
