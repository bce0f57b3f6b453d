package org.cxrtriage.app.fhir;

import ca.uhn.fhir.rest.param.DateRangeParam;

import java.time.Instant;
import java.util.Optional;

/** A FHIR date search parameter as inclusive instant bounds (either may be open). */
record FhirDates(Optional<Instant> from, Optional<Instant> to) {

    static FhirDates of(DateRangeParam range) {
        if (range == null) {
            return new FhirDates(Optional.empty(), Optional.empty());
        }
        return new FhirDates(Optional.ofNullable(range.getLowerBoundAsInstant()).map(java.util.Date::toInstant),
                Optional.ofNullable(range.getUpperBoundAsInstant()).map(java.util.Date::toInstant));
    }
}
