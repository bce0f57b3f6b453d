package org.cxrtriage.app.support;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.cxrtriage.app.ingest.DicomListener;
import org.cxrtriage.app.security.Role;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A complete cxr-triage server in the test JVM: HTTP on a random port, DICOM on a random port,
 * its own data directory and database. Queries go to the same database the server writes.
 */
public final class TriageServer implements AutoCloseable {

    private final EmbeddedServer server;
    private final Path dataDir;

    private TriageServer(EmbeddedServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    public static TriageServer start(Database database, Path dataDir, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.port", -1);
        properties.put("triage.data-dir", dataDir.toString());
        properties.put("triage.dicom.port", 0);
        properties.put("triage.dicom.bind-address", "127.0.0.1");
        properties.put("triage.spool.min-free-mb", 0);
        properties.put("triage.assembly.quiet-period", "1s");
        properties.put("triage.assembly.poll-interval", "200ms");
        properties.putAll(database.freshDatabase(dataDir));
        properties.putAll(extra);
        // Built by hand so that a start-up that fails closes what it opened (the H2 file, threads)
        // before the test's temporary directory is deleted.
        ApplicationContext context = ApplicationContext.builder().properties(properties).build();
        EmbeddedServer server;
        try {
            context.start();
            server = context.getBean(EmbeddedServer.class);
            server.start();
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        TriageServer triage = new TriageServer(server, dataDir);
        try {
            TestUsers.addTo(triage.context().getBean(DataSource.class));
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException("could not add the test users", e);
        }
        return triage;
    }

    /** {@code Authorization} header value of the test user with that role (admin: the generated first admin). */
    public String basic(Role role) {
        return TestUsers.basic(role, dataDir);
    }

    /** What the command-line tools need to find this server's database (empty for H2 in the data directory). */
    public Map<String, String> databaseEnvironment() {
        var environment = context().getEnvironment();
        String url = environment.getProperty("datasources.default.url", String.class).orElse("");
        if (!url.startsWith("jdbc:postgresql:")) {
            return Map.of();
        }
        return Map.of("TRIAGE_DB_URL", url,
                "TRIAGE_DB_USER", environment.getProperty("datasources.default.username", String.class).orElse(""),
                "TRIAGE_DB_PASSWORD", environment.getProperty("datasources.default.password", String.class).orElse(""));
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort() + path);
    }

    /** A request to this server signed in as the test user with that role. */
    public HttpRequest.Builder as(Role role, String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", basic(role));
    }

    public int dicomPort() {
        return server.getApplicationContext().getBean(DicomListener.class).scp().localPort();
    }

    public int httpPort() {
        return server.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    public ApplicationContext context() {
        return server.getApplicationContext();
    }

    /** Runs a query and returns each row as a list of column values. */
    public List<List<Object>> query(String sql, Object... parameters) throws SQLException {
        DataSource dataSource = context().getBean(DataSource.class);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 1; c <= columns; c++) {
                        row.add(result.getObject(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** Runs an INSERT, UPDATE or DELETE, as somebody with access to the database would; returns the rows changed. */
    public int update(String sql, Object... parameters) throws SQLException {
        DataSource dataSource = context().getBean(DataSource.class);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    public long count(String sql, Object... parameters) throws SQLException {
        return ((Number) query(sql, parameters).get(0).get(0)).longValue();
    }

    /** Waits up to 60 s until the COUNT query reaches {@code atLeast}; fails the test otherwise. */
    public void awaitCount(long atLeast, String sql, Object... parameters) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long actual;
        while ((actual = count(sql, parameters)) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(sql + " reached " + actual + " within 60 s, expected " + atLeast);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        server.close();
        if (server.getApplicationContext().isRunning()) {
            server.getApplicationContext().close();
        }
    }
}
