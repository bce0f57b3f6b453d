package org.cxrtriage.app.audit;

import org.cxrtriage.app.support.Database;

/** The compliance checks on PostgreSQL, the production database. */
class ComplianceOnPostgresTest extends ComplianceChecks {

    ComplianceOnPostgresTest() {
        super(Database.POSTGRES);
    }
}
