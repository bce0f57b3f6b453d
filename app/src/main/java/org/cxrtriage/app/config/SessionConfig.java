package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Sign-in sessions ({@code triage.sessions.*}): a session unused for {@code idleTimeout}
 * (TRIAGE_SESSION_IDLE_TIMEOUT, default 30 min) or older than {@code maxAge}
 * (TRIAGE_SESSION_MAX_AGE, default 12 h) ends, whatever the client still holds.
 */
@ConfigurationProperties("triage.sessions")
public record SessionConfig(
        @Bindable(defaultValue = "30m") Duration idleTimeout,
        @Bindable(defaultValue = "12h") Duration maxAge) {

    public SessionConfig {
        if (idleTimeout.compareTo(Duration.ofMinutes(1)) < 0 || maxAge.compareTo(idleTimeout) < 0) {
            throw new IllegalArgumentException("TRIAGE_SESSION_IDLE_TIMEOUT must be at least 1 minute and"
                    + " TRIAGE_SESSION_MAX_AGE at least as long; they are " + idleTimeout + " and " + maxAge);
        }
    }
}
