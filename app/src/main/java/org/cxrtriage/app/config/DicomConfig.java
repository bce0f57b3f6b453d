package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.cxrtriage.dicom.scp.ScpSettings;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The DICOM listener: {@code triage.dicom.*}, from TRIAGE_DICOM_* environment variables.
 *
 * @param allowedCallers comma-separated calling AE titles; empty accepts any caller
 */
@ConfigurationProperties("triage.dicom")
public record DicomConfig(
        @Bindable(defaultValue = "CXRTRIAGE") @NotBlank String aeTitle,
        @Bindable(defaultValue = "11112") @Min(0) @Max(65535) int port,
        @Bindable(defaultValue = "0.0.0.0") String bindAddress,
        @Bindable(defaultValue = "") String allowedCallers,
        @Bindable(defaultValue = "131072") @Min(4096) int maxPduLength,
        @Bindable(defaultValue = "32") @Min(1) int maxAssociations,
        @Bindable(defaultValue = "60s") Duration idleTimeout) {

    public Set<String> allowedCallerSet() {
        Set<String> callers = new LinkedHashSet<>();
        Arrays.stream(allowedCallers == null ? new String[0] : allowedCallers.split(","))
                .map(String::trim)
                .filter(caller -> !caller.isEmpty())
                .forEach(callers::add);
        return callers;
    }

    public ScpSettings toScpSettings() {
        return new ScpSettings(aeTitle.trim(), bindAddress, port, allowedCallerSet(), maxPduLength, maxAssociations,
                idleTimeout);
    }
}
