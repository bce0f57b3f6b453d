package org.cxrtriage.app.config;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.cxrtriage.dicom.store.StudySpool;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The one spool of the server, under the data directory: ingest writes it, triage, the web page and retention read it. */
@Factory
final class SpoolFactory {

    @Singleton
    StudySpool studySpool(StorageConfig storage) {
        try {
            return new StudySpool(storage.spoolDir(), storage.quarantineDir(), storage.minFreeBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the spool under " + storage.dataDir() + " (" + e.getMessage()
                    + "); TRIAGE_DATA_DIR must be writable by the server", e);
        }
    }
}
