package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Min;

import java.time.Duration;

/**
 * Triage workers ({@code triage.workers.*}): how many threads claim jobs on this node
 * (TRIAGE_WORKERS; 0 for a node that only receives), how long a claimed job is held before another node may take it
 * (TRIAGE_JOB_LEASE), and how many attempts a job gets before the study is listed as "not scored:
 * error" (TRIAGE_JOB_ATTEMPTS).
 */
@ConfigurationProperties("triage.workers")
public record WorkerConfig(
        @Bindable(defaultValue = "2") @Min(0) int count,
        @Bindable(defaultValue = "60s") Duration lease,
        @Bindable(defaultValue = "3") @Min(1) int maxAttempts) {
}
