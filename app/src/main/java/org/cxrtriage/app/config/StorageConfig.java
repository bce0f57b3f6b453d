package org.cxrtriage.app.config;

import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Where data lives ({@code triage.data-dir}, TRIAGE_DATA_DIR) and how much disk must stay free
 * before instances are refused ({@code triage.spool.min-free-mb}, TRIAGE_SPOOL_MIN_FREE_MB).
 *
 * <p>The data directory holds images, the database, keys and the audit head, so it is created
 * readable by the server's account only (700), and tightened to that when it exists wider: the
 * process umask, or an installer's mkdir, must not decide who can read patient data.
 */
@Singleton
public final class StorageConfig {

    private static final Logger log = LoggerFactory.getLogger(StorageConfig.class);

    private final Path dataDir;
    private final long minFreeBytes;

    public StorageConfig(@Property(name = "triage.data-dir", defaultValue = "./data") String dataDir,
                         @Property(name = "triage.spool.min-free-mb", defaultValue = "1024") long minFreeMb) {
        this.dataDir = Path.of(dataDir).toAbsolutePath().normalize();
        this.minFreeBytes = minFreeMb * 1024 * 1024;
        try {
            if (OwnerOnlyFiles.directory(this.dataDir)) {
                log.info("data directory {} was readable by other accounts; its permissions are now 700", this.dataDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + this.dataDir + " (" + e.getMessage()
                    + "); set TRIAGE_DATA_DIR to a folder the server's account can write", e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path spoolDir() {
        return dataDir.resolve("spool");
    }

    public Path quarantineDir() {
        return dataDir.resolve("quarantine");
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }
}
