package org.cxrtriage.app.models;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelRegistry;
import org.reactivestreams.Publisher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /health} entry "models": the active and shadow models with version, SHA-256 and the device
 * they really run on (a CUDA request that fell back to CPU is shown with its reason), plus any
 * model directory that was refused.
 */
@Singleton
public final class ModelsHealth implements HealthIndicator {

    private final ModelRegistry registry;

    public ModelsHealth(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        ModelRegistry.Snapshot snapshot = registry.current();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("active", describe(snapshot.active()));
        details.put("shadows", snapshot.shadows().stream().map(ModelsHealth::describe).toList());
        details.put("problems", snapshot.problems());
        return Publishers.just(HealthResult.builder("models", HealthStatus.UP).details(details).build());
    }

    private static Map<String, Object> describe(LoadedModel model) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("id", model.manifest().id());
        details.put("version", model.manifest().version());
        details.put("sha256", model.manifest().sha256());
        details.put("device", model.device().actual().name().toLowerCase());
        details.put("deviceRequested", model.device().requested().name().toLowerCase());
        if (!model.device().note().isEmpty()) {
            details.put("deviceNote", model.device().note());
        }
        details.put("notForClinicalUse", model.manifest().notForClinicalUse());
        details.put("findings", List.copyOf(model.manifest().findings().stream().map(f -> f.key()).toList()));
        return details;
    }
}
