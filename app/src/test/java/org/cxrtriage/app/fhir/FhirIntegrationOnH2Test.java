package org.cxrtriage.app.fhir;

import org.cxrtriage.app.support.Database;

/** The FHIR integration checks on the embedded H2 database. */
class FhirIntegrationOnH2Test extends FhirIntegrationChecks {

    FhirIntegrationOnH2Test() {
        super(Database.H2);
    }
}
