package org.cxrtriage.app.security;

import org.cxrtriage.app.support.Database;

/** Users and sign-in on the embedded default database. */
class SignInOnH2Test extends SignInChecks {

    SignInOnH2Test() {
        super(Database.H2);
    }
}
