package org.cxrtriage.dicom.store;

import java.util.Set;

/**
 * What a received object is to triage, decided at store time from its SOP Class UID and whether
 * the data set carries Pixel Data (7FE0,0010; Float and Double Float Pixel Data count too). Only
 * {@link #RADIOGRAPH} objects go on to chest triage; the others are acknowledged, recorded and
 * audited like any C-STORE, never scored, and kept in the spool only when the site asks for it.
 */
public enum InstanceKind {
    /**
     * With pixel data and of a projection radiograph class a chest X-ray arrives in: CR (PS3.4
     * B.5: 1.2.840.10008.5.1.4.1.1.1), DX for presentation (…1.1.1) and for processing
     * (…1.1.1.1), Secondary Capture (…7, how digitised films and some DR consoles send). Whether
     * it really is a frontal adult chest is for QC to say.
     */
    RADIOGRAPH,
    /** Any other object with pixel data: CT, MR, mammography, intra-oral, multi-frame SC, segmentation, ... */
    OTHER_IMAGE,
    /** No pixel data: SR, Key Object Selection, presentation states, dose reports, encapsulated documents, ... */
    NON_IMAGE;

    /** The SOP classes whose images triage may score. */
    public static final Set<String> RADIOGRAPH_SOP_CLASSES = Set.of(
            "1.2.840.10008.5.1.4.1.1.1",
            "1.2.840.10008.5.1.4.1.1.1.1",
            "1.2.840.10008.5.1.4.1.1.1.1.1",
            "1.2.840.10008.5.1.4.1.1.7");

    public static InstanceKind of(String sopClassUid, boolean hasPixelData) {
        if (!hasPixelData) {
            return NON_IMAGE;
        }
        return RADIOGRAPH_SOP_CLASSES.contains(sopClassUid) ? RADIOGRAPH : OTHER_IMAGE;
    }

    /** True for the objects chest triage reads. */
    public boolean triaged() {
        return this == RADIOGRAPH;
    }
}
