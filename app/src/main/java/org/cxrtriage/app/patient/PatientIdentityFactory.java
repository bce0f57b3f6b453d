package org.cxrtriage.app.patient;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.StorageConfig;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The site's {@link PatientIdentity}, one per server; a key that cannot be read or created stops start-up. */
@Factory
final class PatientIdentityFactory {

    @Singleton
    PatientIdentity patientIdentity(StorageConfig storage) {
        try {
            return PatientIdentity.key(storage.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + storage.dataDir().resolve(PatientIdentity.KEY_FILE)
                    + ": " + e.getMessage() + "; the data directory (TRIAGE_DATA_DIR) must be writable by the server", e);
        }
    }
}
