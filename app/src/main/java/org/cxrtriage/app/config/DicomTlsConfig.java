package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.cxrtriage.dicom.scp.TlsSettings;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * DICOM over TLS on a second port: {@code triage.dicom.tls.*}, from TRIAGE_DICOM_TLS_*. Off until a
 * keystore is configured.
 *
 * @param clientAuth none, optional or required: whether modalities must present a certificate
 *                   signed by the truststore
 */
@ConfigurationProperties("triage.dicom.tls")
public record DicomTlsConfig(
        @Bindable(defaultValue = "2762") @Min(0) @Max(65535) int port,
        @Bindable(defaultValue = "") String keystore,
        @Bindable(defaultValue = "") String keystorePassword,
        @Bindable(defaultValue = "") String truststore,
        @Bindable(defaultValue = "") String truststorePassword,
        @Bindable(defaultValue = "none") String clientAuth) {

    /** The TLS settings, or empty when no keystore is configured. */
    public Optional<TlsSettings> toTlsSettings() {
        if (keystore == null || keystore.isBlank()) {
            return Optional.empty();
        }
        TlsSettings.ClientAuth auth;
        try {
            auth = TlsSettings.ClientAuth.valueOf(clientAuth.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TRIAGE_DICOM_TLS_CLIENT_AUTH is '" + clientAuth
                    + "': use none, optional or required");
        }
        return Optional.of(new TlsSettings(Path.of(keystore), keystorePassword.toCharArray(),
                truststore == null || truststore.isBlank() ? null : Path.of(truststore), truststorePassword.toCharArray(), auth));
    }
}
