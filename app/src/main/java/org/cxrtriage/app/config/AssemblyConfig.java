package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Study assembly ({@code triage.assembly.*}): a study is ready for triage once no instance has
 * arrived for the quiet period (TRIAGE_QUIET_PERIOD, default 3 s).
 */
@ConfigurationProperties("triage.assembly")
public record AssemblyConfig(
        @Bindable(defaultValue = "3s") Duration quietPeriod,
        @Bindable(defaultValue = "200ms") Duration pollInterval) {
}
