package org.cxrtriage.app.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Critical-finding notifications ({@code triage.notify.*}): webhooks and optional e-mail.
 *
 * @param webhooks       TRIAGE_NOTIFY_WEBHOOKS, {@code https://...[,...]}
 * @param webhookSecret  TRIAGE_NOTIFY_WEBHOOK_SECRET: the HMAC key receivers verify signatures with;
 *                       required when webhooks are set
 * @param includePatient TRIAGE_NOTIFY_INCLUDE_PATIENT: add patient name, ID and issuer to webhook bodies
 * @param smtp           TRIAGE_NOTIFY_SMTP, {@code host:port[;starttls]}; empty: no e-mail
 * @param emailFrom      TRIAGE_NOTIFY_EMAIL_FROM
 * @param emailTo        TRIAGE_NOTIFY_EMAIL_TO, comma-separated addresses
 * @param smtpUser       TRIAGE_NOTIFY_SMTP_USER; empty for a relay without authentication
 * @param smtpPassword   TRIAGE_NOTIFY_SMTP_PASSWORD
 */
@ConfigurationProperties("triage.notify")
public record NotifyConfig(
        @Bindable(defaultValue = "") String webhooks,
        @Bindable(defaultValue = "") String webhookSecret,
        @Bindable(defaultValue = "false") boolean includePatient,
        @Bindable(defaultValue = "") String smtp,
        @Bindable(defaultValue = "") String emailFrom,
        @Bindable(defaultValue = "") String emailTo,
        @Bindable(defaultValue = "") String smtpUser,
        @Bindable(defaultValue = "") String smtpPassword) {
}
