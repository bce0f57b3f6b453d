package org.cxrtriage.app.worklist;

import java.util.Optional;

/**
 * One received instance with where it came from and where its file is.
 *
 * @param spoolPath relative to the data directory; empty once retention deleted the pixel data, or
 *                  when the object was recorded but not kept
 */
public record InstanceFile(String sopInstanceUid, String sopClassUid, String seriesUid, String callingAeTitle,
                           Optional<String> spoolPath) {
}
