package org.cxrtriage.app.models;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import org.cxrtriage.app.config.ModelConfig;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.models.manifest.ManifestException;
import org.cxrtriage.models.registry.BundledModels;
import org.cxrtriage.models.registry.ModelRegistry;
import org.cxrtriage.models.registry.RegistrySettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Loads the models at start-up, so a missing or tampered active model stops the server with a
 * clear message rather than at the first study.
 */
@Factory
public final class ModelsFactory {

    @Context
    @Bean(preDestroy = "close")
    ModelRegistry modelRegistry(ModelConfig config, StorageConfig storage) throws IOException, ManifestException {
        Path modelsDir = storage.dataDir().resolve("models");
        Path bundled = BundledModels.extractReference(modelsDir.resolve(".bundled").resolve(ModelRegistry.REFERENCE_ID));
        return new ModelRegistry(new RegistrySettings(modelsDir, Optional.of(bundled), config.activeId(),
                config.shadowIds(), config.session()));
    }
}
