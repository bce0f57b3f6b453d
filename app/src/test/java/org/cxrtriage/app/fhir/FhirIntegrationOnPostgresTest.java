package org.cxrtriage.app.fhir;

import org.cxrtriage.app.support.Database;

/** The FHIR integration checks on PostgreSQL, the production database. */
class FhirIntegrationOnPostgresTest extends FhirIntegrationChecks {

    FhirIntegrationOnPostgresTest() {
        super(Database.POSTGRES);
    }
}
