package org.cxrtriage.app.config;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Without TRIAGE_DB_URL the server uses an embedded H2 database in the data directory, in
 * PostgreSQL mode so that one set of SQL serves both databases. (A placeholder default in
 * application.yml cannot refer to the data directory, hence this listener.)
 */
@Singleton
public final class DefaultDatabaseUrl implements BeanCreatedEventListener<DatasourceConfiguration> {

    /**
     * WRITE_DELAY=0: a commit reaches the file before it returns, so an acknowledged instance survives a kill.
     * AUTO_SERVER=TRUE: the command-line tools (audit verify) can open the database while the server runs.
     * TRACE_LEVEL_FILE=0: no .trace.db file, whose error lines would quote the values (patient data) of failed statements.
     */
    static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;AUTO_SERVER=TRUE"
            + ";TRACE_LEVEL_FILE=0";

    private final StorageConfig storage;

    public DefaultDatabaseUrl(StorageConfig storage) {
        this.storage = storage;
    }

    /** The embedded database's URL for a data directory; the command-line tools open the same one. */
    public static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("db").resolve("cxr-triage") + H2_OPTIONS;
    }

    /**
     * H2 creates its files under the process umask; its folder is made 700 before it opens them and
     * files already there are tightened to 600, so the database is owner-only however it was started.
     */
    public static void ownerOnlyDatabaseFolder(Path dataDir) {
        Path folder = dataDir.resolve("db");
        try {
            OwnerOnlyFiles.directory(folder);
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(file)) {
                        OwnerOnlyFiles.tighten(file);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the database folder " + folder + " (" + e.getMessage()
                    + "); TRIAGE_DATA_DIR must be writable by the server", e);
        }
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration config = event.getBean();
        String configured = config.getConfiguredUrl();
        if (configured == null || configured.isBlank()) {
            ownerOnlyDatabaseFolder(storage.dataDir());
            String url = h2Url(storage.dataDir());
            config.setUrl(url);
            config.setJdbcUrl(url);
            config.setDriverClassName("org.h2.Driver");
        }
        return config;
    }
}
