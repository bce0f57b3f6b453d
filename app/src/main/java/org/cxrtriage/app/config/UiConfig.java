package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * The web page's reading-room settings ({@code triage.ui.*}): after {@code idleLock} without a key
 * or pointer event (TRIAGE_UI_IDLE_LOCK, default 15 min) the page hides patient data until the
 * user gives their password again; {@code 0s} turns the lock off. The server's own session idle
 * timeout (TRIAGE_SESSION_IDLE_TIMEOUT) applies whatever this says. A radiologist may undo their
 * "Mark reviewed" for {@code reviewUndo} (TRIAGE_UI_REVIEW_UNDO, default 30 s; the page offers it
 * for less).
 */
@ConfigurationProperties("triage.ui")
public record UiConfig(
        @Bindable(defaultValue = "15m") Duration idleLock,
        @Bindable(defaultValue = "30s") Duration reviewUndo) {

    public UiConfig {
        if (idleLock.isNegative() || (!idleLock.isZero() && idleLock.compareTo(Duration.ofSeconds(10)) < 0)) {
            throw new IllegalArgumentException("TRIAGE_UI_IDLE_LOCK must be 0s (off) or at least 10s; it is " + idleLock);
        }
        if (reviewUndo.isNegative() || reviewUndo.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("TRIAGE_UI_REVIEW_UNDO must be between 0s and 10m; it is " + reviewUndo);
        }
    }
}
