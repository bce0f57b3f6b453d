package org.cxrtriage.app.config;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;

/**
 * The embedded database's files, created by H2 during start-up under the process umask, are
 * tightened to 600 once it has opened them (its folder is 700 from before; see {@link DefaultDatabaseUrl}).
 */
@Singleton
final class OwnerOnlyDatabaseFiles implements ApplicationEventListener<StartupEvent> {

    private final StorageConfig storage;
    private final String configuredUrl;

    OwnerOnlyDatabaseFiles(StorageConfig storage, @Value("${datasources.default.url:}") String configuredUrl) {
        this.storage = storage;
        this.configuredUrl = configuredUrl;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (configuredUrl == null || configuredUrl.isBlank()) {
            DefaultDatabaseUrl.ownerOnlyDatabaseFolder(storage.dataDir());
        }
    }
}
