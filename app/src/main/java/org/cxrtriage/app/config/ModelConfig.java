package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import org.cxrtriage.models.inference.Device;
import org.cxrtriage.models.inference.SessionSettings;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Models ({@code triage.models.*}): which model is active (TRIAGE_MODEL_ACTIVE, default the bundled
 * reference model), which run in shadow (TRIAGE_MODEL_SHADOWS), where they run (TRIAGE_DEVICE) and
 * how requests are batched.
 */
@ConfigurationProperties("triage.models")
public record ModelConfig(
        @Bindable(defaultValue = "") String active,
        @Bindable(defaultValue = "") String shadows,
        @Bindable(defaultValue = "auto") String device,
        @Bindable(defaultValue = "0") int threads,
        @Bindable(defaultValue = "8") int maxBatch,
        @Bindable(defaultValue = "5ms") Duration maxWait) {

    public Optional<String> activeId() {
        return active == null || active.isBlank() ? Optional.empty() : Optional.of(active.trim());
    }

    public List<String> shadowIds() {
        return shadows == null ? List.of() : Arrays.stream(shadows.split(",")).map(String::trim)
                .filter(id -> !id.isEmpty()).toList();
    }

    public SessionSettings session() {
        int intraOp = threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
        return new SessionSettings(Device.parse(device), intraOp, Math.max(1, maxBatch), maxWait);
    }
}
