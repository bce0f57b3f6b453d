package org.cxrtriage.compliance.schema;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The audit log's tables belong to this module and are migrated by it, from
 * {@code classpath:db/compliance} with a schema history of their own ({@value #HISTORY_TABLE}), so
 * the module and the application can each add migrations without sharing a version sequence.
 *
 * <p>Databases created before this split hold the audit tables (versions 3 and 4) under the
 * application's history; they are baselined at version 4 and continue from there. Any other
 * database (new, or already holding the application's tables) starts at version 0.
 */
public final class AuditSchema {

    public static final String LOCATION = "classpath:db/compliance";
    public static final String HISTORY_TABLE = "audit_schema_history";
    private static final String VERSION_OF_THE_SPLIT = "4";
    private static final String NOTHING_YET = "0";

    private AuditSchema() {
    }

    /** Creates or upgrades the audit tables; safe to call on every start and from several nodes. */
    public static void migrate(DataSource dataSource) {
        boolean createdByTheApplication;
        try {
            createdByTheApplication = exists(dataSource, "audit_record") && !exists(dataSource, HISTORY_TABLE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot inspect the database for the audit log's tables: " + e.getMessage(), e);
        }
        Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion(createdByTheApplication ? VERSION_OF_THE_SPLIT : NOTHING_YET)
                .baselineDescription(createdByTheApplication ? "audit tables created under the application's schema history"
                        : "before the audit tables")
                .load()
                .migrate();
    }

    private static boolean exists(DataSource dataSource, String table) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            for (String name : new String[] {table, table.toUpperCase(java.util.Locale.ROOT)}) {
                try (ResultSet tables = meta.getTables(null, null, name, new String[] {"TABLE"})) {
                    if (tables.next()) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
