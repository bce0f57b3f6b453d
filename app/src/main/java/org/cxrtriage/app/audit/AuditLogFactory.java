package org.cxrtriage.app.audit;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.cxrtriage.compliance.chain.AuditLog;

import javax.sql.DataSource;

/** The one audit log of the server, for the audit trail, the user store and the AuditEvent API. */
@Factory
final class AuditLogFactory {

    @Singleton
    AuditLog auditLog(DataSource dataSource) {
        return new AuditLog(dataSource);
    }
}
