package org.cxrtriage.app.worklist;

import java.time.Instant;
import java.util.Optional;

/**
 * Which studies (ImagingStudy search): by Study Instance UID or accession number, by patient (the
 * Patient's key) and by when the study started (inclusive bounds).
 */
public record StudySearch(Optional<String> identifier, Optional<String> patientKey, Optional<Instant> startedFrom,
                          Optional<Instant> startedTo) {

    public static StudySearch all() {
        return new StudySearch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
