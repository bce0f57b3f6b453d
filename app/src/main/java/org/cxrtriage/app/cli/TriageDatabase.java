package org.cxrtriage.app.cli;

import org.cxrtriage.app.config.DefaultDatabaseUrl;
import org.cxrtriage.compliance.schema.AuditSchema;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.nio.file.Path;

/**
 * The server's database for the command-line tools: TRIAGE_DB_URL (PostgreSQL) or the embedded H2
 * file in the data directory, opened in mixed mode so the tools work while the server runs.
 */
final class TriageDatabase {

    private TriageDatabase() {
    }

    /** The data directory: {@code --data-dir}, else TRIAGE_DATA_DIR, else ./data. */
    static Path dataDir(Path option) {
        return (option != null ? option : Path.of(System.getenv().getOrDefault("TRIAGE_DATA_DIR", "./data")))
                .toAbsolutePath().normalize();
    }

    /** The existing database; fails with a clear message when there is none yet. */
    static DataSource existing(Path data) {
        return open(data, ";IFEXISTS=TRUE");
    }

    /** The database, created and migrated to the current schema if needed (as the server would). */
    static DataSource migrated(Path data) {
        DataSource dataSource = open(data, "");
        AuditSchema.migrate(dataSource);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                .ignoreMigrationPatterns("*:missing").baselineOnMigrate(true).baselineVersion("0").load().migrate();
        return dataSource;
    }

    private static DataSource open(Path data, String h2Options) {
        String url = System.getenv().getOrDefault("TRIAGE_DB_URL", "");
        if (url.startsWith("jdbc:postgresql:")) {
            PGSimpleDataSource postgres = new PGSimpleDataSource();
            postgres.setURL(url);
            postgres.setUser(System.getenv().getOrDefault("TRIAGE_DB_USER", ""));
            postgres.setPassword(System.getenv().getOrDefault("TRIAGE_DB_PASSWORD", ""));
            return postgres;
        }
        DefaultDatabaseUrl.ownerOnlyDatabaseFolder(data);
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(DefaultDatabaseUrl.h2Url(data) + h2Options);
        h2.setUser(System.getenv().getOrDefault("TRIAGE_DB_USER", "sa"));
        h2.setPassword(System.getenv().getOrDefault("TRIAGE_DB_PASSWORD", ""));
        return h2;
    }
}
