package org.cxrtriage.app.audit;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import org.cxrtriage.compliance.schema.AuditSchema;

import javax.sql.DataSource;

/**
 * Brings the audit log's tables (owned and migrated by the compliance module) up to date as soon
 * as the data source exists, before anything can append a record. The application's own tables
 * are migrated by Micronaut's Flyway integration from {@code db/migration}.
 */
@Singleton
final class AuditSchemaMigration implements BeanCreatedEventListener<DataSource> {

    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        AuditSchema.migrate(event.getBean());
        return event.getBean();
    }
}
