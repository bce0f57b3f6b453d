package org.cxrtriage.app.config;

import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;

import java.nio.file.Path;

/**
 * Where data lives ({@code triage.data-dir}, TRIAGE_DATA_DIR) and how much disk must stay free
 * before instances are refused ({@code triage.spool.min-free-mb}, TRIAGE_SPOOL_MIN_FREE_MB).
 */
@Singleton
public final class StorageConfig {

    private final Path dataDir;
    private final long minFreeBytes;

    public StorageConfig(@Property(name = "triage.data-dir", defaultValue = "./data") String dataDir,
                         @Property(name = "triage.spool.min-free-mb", defaultValue = "1024") long minFreeMb) {
        this.dataDir = Path.of(dataDir).toAbsolutePath().normalize();
        this.minFreeBytes = minFreeMb * 1024 * 1024;
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
