package org.cxrtriage.app.security;

import org.cxrtriage.app.support.Database;

/** Users and sign-in on PostgreSQL, the production database. */
class SignInOnPostgresTest extends SignInChecks {

    SignInOnPostgresTest() {
        super(Database.POSTGRES);
    }
}
