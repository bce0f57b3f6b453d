package org.cxrtriage.testdata;

/** Projection of a synthetic radiograph, written as DICOM ViewPosition. */
public enum View {
    PA, AP, LATERAL;

    /** The DICOM ViewPosition code string (PS3.3 C.8.11.5; "LL" stands for any lateral). */
    public String viewPosition() {
        return this == LATERAL ? "LL" : name();
    }
}
