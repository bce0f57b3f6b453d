package org.cxrtriage.app.models;

import org.cxrtriage.compliance.AuditAction;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.ModelDevice;
import org.cxrtriage.app.config.ModelConfig;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.models.manifest.ManifestException;
import org.cxrtriage.models.registry.BundledModels;
import org.cxrtriage.models.registry.ModelRegistry;
import org.cxrtriage.models.registry.RegistrySettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Loads the models at start-up, so a missing or tampered active model stops the server with a
 * clear message rather than at the first study.
 */
@Factory
public final class ModelsFactory {

    @Context
    @Bean(preDestroy = "close")
    ModelRegistry modelRegistry(ModelConfig config, StorageConfig storage, AuditTrail audit) throws IOException, ManifestException {
        Path modelsDir = storage.dataDir().resolve("models");
        Path bundled = BundledModels.extractReference(modelsDir.resolve(".bundled").resolve(ModelRegistry.REFERENCE_ID));
        ModelRegistry registry = new ModelRegistry(new RegistrySettings(modelsDir, Optional.of(bundled), config.activeId(),
                config.shadowIds(), config.session()));
        ModelRegistry.Snapshot loaded = registry.current();
        audit.system(AuditAction.MODEL_LOAD, null, devices(loaded), true, describe(loaded));
        return registry;
    }

    /** The Devices of a loaded set, for an audit record's resources. */
    static List<String> devices(ModelRegistry.Snapshot snapshot) {
        return snapshot.all().stream().map(model -> ModelDevice.reference(model.manifest())).toList();
    }

    /** Which model is active and which shadow, with versions and SHA-256, and what was refused. */
    static String describe(ModelRegistry.Snapshot snapshot) {
        return "active " + ModelDevice.describe(snapshot.active().manifest())
                + snapshot.shadows().stream().map(model -> "; shadow " + ModelDevice.describe(model.manifest()))
                        .collect(Collectors.joining())
                + (snapshot.problems().isEmpty() ? "" : "; refused: " + snapshot.problems());
    }
}
