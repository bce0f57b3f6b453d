package org.cxrtriage.compliance.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.cxrtriage.compliance.schema.AuditSchema;
import org.h2.jdbcx.JdbcDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two databases the audit log runs on, each fresh per test and migrated by Flyway with this
 * module's own migrations (AuditSchema): H2 in memory in PostgreSQL mode,
 * as the server configures it, and a real PostgreSQL server (zonky, one per JVM).
 */
public enum Database {
    H2, POSTGRES;

    private static EmbeddedPostgres postgres;
    private static final AtomicInteger counter = new AtomicInteger();

    public DataSource fresh() {
        DataSource dataSource = this == H2 ? h2() : postgres();
        AuditSchema.migrate(dataSource);
        return dataSource;
    }

    /** What someone allowed to change the schema does before tampering: takes the append-only triggers away. */
    public void removeAppendOnlyGuards(DataSource dataSource) throws SQLException {
        execute(dataSource, this == H2
                ? "DROP TRIGGER audit_record_append_only; DROP TRIGGER audit_head_advances"
                : "ALTER TABLE audit_record DISABLE TRIGGER USER; ALTER TABLE audit_head DISABLE TRIGGER USER");
    }

    /** Runs {@code sql} (statements separated by ';') with auto-commit. */
    public static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String part : sql.split(";")) {
                statement.execute(part);
            }
        }
    }

    private static DataSource h2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1");
        return h2;
    }

    private static DataSource postgres() {
        String name = "audit_" + counter.incrementAndGet();
        try {
            execute(server().getPostgresDatabase(), "CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return server().getDatabase("postgres", name);
    }

    private static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
                }
            }));
        }
        return postgres;
    }
}
