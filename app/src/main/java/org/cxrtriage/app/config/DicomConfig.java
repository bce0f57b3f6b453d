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
 * @param allowedCallers            comma-separated calling AE titles; empty accepts any caller
 * @param associationRequestTimeout total time from accept to a complete A-ASSOCIATE-RQ, TLS handshake included
 * @param maxAssociationsPerAddress connections one IP address may hold at once; 0 means half of maxAssociations
 * @param keepNonImages             keep objects that are not chest radiograph candidates (SR, KOS, CT, ...) in the
 *                                  spool; they are recorded and audited either way
 */
@ConfigurationProperties("triage.dicom")
public record DicomConfig(
        @Bindable(defaultValue = "CXRTRIAGE") @NotBlank String aeTitle,
        @Bindable(defaultValue = "11112") @Min(0) @Max(65535) int port,
        @Bindable(defaultValue = "0.0.0.0") String bindAddress,
        @Bindable(defaultValue = "") String allowedCallers,
        @Bindable(defaultValue = "131072") @Min(4096) int maxPduLength,
        @Bindable(defaultValue = "32") @Min(1) int maxAssociations,
        @Bindable(defaultValue = "60s") Duration idleTimeout,
        @Bindable(defaultValue = "5s") Duration associationRequestTimeout,
        @Bindable(defaultValue = "0") @Min(0) int maxAssociationsPerAddress,
        @Bindable(defaultValue = "false") boolean keepNonImages) {

    public Set<String> allowedCallerSet() {
        Set<String> callers = new LinkedHashSet<>();
        Arrays.stream(allowedCallers == null ? new String[0] : allowedCallers.split(","))
                .map(String::trim)
                .filter(caller -> !caller.isEmpty())
                .forEach(callers::add);
        return callers;
    }

    /** Connections one address may hold: the setting, or half of the total (at least 1) when 0. */
    public int effectiveMaxAssociationsPerAddress() {
        if (maxAssociationsPerAddress > maxAssociations) {
            throw new IllegalArgumentException("TRIAGE_DICOM_MAX_ASSOCIATIONS_PER_ADDRESS is " + maxAssociationsPerAddress
                    + ", more than TRIAGE_DICOM_MAX_ASSOCIATIONS (" + maxAssociations + "): lower it, or 0 for half");
        }
        return maxAssociationsPerAddress == 0 ? ScpSettings.defaultPerAddress(maxAssociations) : maxAssociationsPerAddress;
    }

    public ScpSettings toScpSettings() {
        if (associationRequestTimeout.isNegative() || associationRequestTimeout.isZero()) {
            throw new IllegalArgumentException("TRIAGE_DICOM_ASSOCIATION_REQUEST_TIMEOUT is " + associationRequestTimeout
                    + ": give a positive duration such as 5s");
        }
        return new ScpSettings(aeTitle.trim(), bindAddress, port, allowedCallerSet(), maxPduLength, maxAssociations,
                idleTimeout, associationRequestTimeout, effectiveMaxAssociationsPerAddress());
    }
}
