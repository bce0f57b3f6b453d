package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * How many refusals (failed sign-ins, denied requests) one address may add to the audit log as
 * records of their own per window ({@code triage.audit.*}); the rest of the window's refusals are
 * counted into one summary record.
 */
@ConfigurationProperties("triage.audit")
public record AuditConfig(
        @Bindable(defaultValue = "20") int refusalsPerWindow,
        @Bindable(defaultValue = "1m") Duration refusalWindow) {
}
