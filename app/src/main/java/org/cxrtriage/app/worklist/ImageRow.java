package org.cxrtriage.app.worklist;

/**
 * An instance of a study whose pixels are still in the spool, for the viewer.
 *
 * @param spoolPath relative to the data directory
 * @param scored    whether it is the image the current result scored
 */
public record ImageRow(String sopInstanceUid, String seriesUid, String sopClassUid, String kind, String spoolPath,
                       boolean scored) {
}
