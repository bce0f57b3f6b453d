package org.cxrtriage.app.delivery;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.Properties;

/**
 * Sends a plain-text e-mail over SMTP for each result {@link Notification#applies} to, with the
 * webhook's content minus patient data ({@link NotificationText}). Delivered means the SMTP server
 * accepted the message for every recipient.
 *
 * <p>Worth retrying: no connection, a timeout, a 4xx reply. Final: a 5xx reply (e.g. an unknown
 * recipient) and a failed authentication.
 */
public final class EmailDestination implements Destination {

    private static final Logger LOG = LoggerFactory.getLogger(EmailDestination.class);

    private final SmtpSettings settings;
    private final Session session;

    public EmailDestination(SmtpSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Properties properties = new Properties();
        String timeout = Long.toString(settings.timeout().toMillis());
        properties.put("mail.smtp.host", settings.host());
        properties.put("mail.smtp.port", Integer.toString(settings.port()));
        properties.put("mail.smtp.connectiontimeout", timeout);
        properties.put("mail.smtp.timeout", timeout);
        properties.put("mail.smtp.writetimeout", timeout);
        properties.put("mail.smtp.auth", Boolean.toString(!settings.username().isEmpty()));
        if (settings.startTls()) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
            properties.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(properties);
    }

    @Override
    public String kind() {
        return "email";
    }

    @Override
    public String describe() {
        return "e-mail via " + settings.host() + ":" + settings.port() + " to " + settings.to().size() + " recipient(s)";
    }

    @Override
    public boolean wants(ResultMessage message) {
        return Notification.applies(message);
    }

    @Override
    public Attempt send(ResultMessage message) {
        long start = System.nanoTime();
        if (!Notification.applies(message)) {
            return Attempt.fail("not a notification: only scored results the AI raised for a critical finding are",
                    Attempt.since(start));
        }
        return mail(NotificationText.subject(message), NotificationText.body(message), message.scoredAt(),
                Notification.deliveryId(message), start);
    }

    /** Mails a notice that is not a study's result (an {@link OperationsNotice}); outcomes as for {@link #send}. */
    Attempt sendNotice(String subject, String text, Instant at, String deliveryId) {
        return mail(subject, text, at, deliveryId, System.nanoTime());
    }

    private Attempt mail(String subject, String text, Instant at, String deliveryId, long start) {
        try {
            MimeMessage mail = new MimeMessage(session);
            mail.setFrom(new InternetAddress(settings.from()));
            for (String recipient : settings.to()) {
                mail.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
            }
            mail.setSubject(subject, "UTF-8");
            mail.setText(text, "UTF-8");
            mail.setSentDate(Date.from(at));
            mail.setHeader(WebhookDestination.DELIVERY_HEADER, deliveryId);
            if (settings.username().isEmpty()) {
                Transport.send(mail);
            } else {
                Transport.send(mail, settings.username(), settings.password());
            }
            return Attempt.delivered("accepted by " + settings.host() + " for " + settings.to().size() + " recipient(s)",
                    Attempt.since(start));
        } catch (AuthenticationFailedException e) {
            return Attempt.fail(describe() + ": authentication failed (" + e.getMessage() + ")", Attempt.since(start));
        } catch (MessagingException e) {
            int code = replyCode(e);
            String detail = describe() + ": " + (code > 0 ? "SMTP " + code + " " : "") + SafeText.clean(
                    String.valueOf(e.getMessage()), SafeText.MEDIUM);
            LOG.debug("e-mail {}: {}", deliveryId, detail);
            return code >= 500 ? Attempt.fail(detail, Attempt.since(start)) : Attempt.retry(detail, Attempt.since(start));
        }
    }

    /** The SMTP reply code behind a failure, or 0 when the failure was not an SMTP reply. */
    private static int replyCode(MessagingException failure) {
        Exception cause = failure;
        while (cause != null) {
            if (cause instanceof SMTPSendFailedException sendFailed) {
                return sendFailed.getReturnCode();
            }
            if (cause instanceof SMTPAddressFailedException addressFailed) {
                return addressFailed.getReturnCode();
            }
            cause = cause instanceof MessagingException messaging ? messaging.getNextException() : null;
        }
        return 0;
    }
}
