package org.cxrtriage.app.audit;

import org.cxrtriage.app.support.Database;

/** The compliance checks on the embedded default database. */
class ComplianceOnH2Test extends ComplianceChecks {

    ComplianceOnH2Test() {
        super(Database.H2);
    }
}
