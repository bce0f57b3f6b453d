package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Limits on what one HTTP request may cost ({@code triage.http.*}): request bodies up to
 * {@code fhirBodyLimit} bytes on /fhir (a Task or a $feedback is a few KB) and {@code bodyLimit}
 * elsewhere, each received within {@code bodyTimeout}; at most {@code concurrentBodies} bodies
 * being received at once, of which {@code concurrentAnonymousBodies} from requests without credentials.
 */
@ConfigurationProperties("triage.http")
public record HttpLimitsConfig(
        @Bindable(defaultValue = "65536") long fhirBodyLimit,
        @Bindable(defaultValue = "16384") long bodyLimit,
        @Bindable(defaultValue = "10s") Duration bodyTimeout,
        @Bindable(defaultValue = "64") int concurrentBodies,
        @Bindable(defaultValue = "16") int concurrentAnonymousBodies) {

    public long bodyLimit(String path) {
        return path.startsWith("/fhir") ? fhirBodyLimit : bodyLimit;
    }
}
