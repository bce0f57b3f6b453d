package org.cxrtriage.app.worklist;

/** One received instance of a study, as ImagingStudy lists it. */
public record InstanceRow(String sopInstanceUid, String sopClassUid, String seriesUid) {
}
