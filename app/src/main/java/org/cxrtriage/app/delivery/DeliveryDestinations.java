package org.cxrtriage.app.delivery;

import io.micronaut.context.annotation.Context;
import org.cxrtriage.app.config.DeliveryConfig;
import org.cxrtriage.app.config.DicomConfig;
import org.cxrtriage.app.config.NotifyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The destinations this node is configured to deliver to, built once at start-up from
 * TRIAGE_RESULTS_DICOM, TRIAGE_RESULTS_HL7, TRIAGE_NOTIFY_* and TRIAGE_DELIVERY_*. A bad entry stops
 * start-up with a message naming the variable, the entry and the fix. Each destination has a
 * stable address (no secrets), which is what an outbox row records.
 */
@Context
public final class DeliveryDestinations {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryDestinations.class);

    /** One configured destination: its kind, its address as the outbox records it, and its sender. */
    public record Target(String kind, String address, Destination destination) {
    }

    private final Map<String, Target> targets;

    public DeliveryDestinations(DeliveryConfig delivery, NotifyConfig notify, DicomConfig dicom) {
        delivery.check();
        Map<String, Target> built = new LinkedHashMap<>();
        StructuredReportBuilder reports = new StructuredReportBuilder(SoftwareVersion.current(), ZoneId.systemDefault());
        for (DicomPeer peer : DeliveryTargets.dicom(delivery.resultsDicom())) {
            add(built, new Target("dicom", peer.toString(), new DicomSrDestination(peer, dicom.aeTitle(), reports,
                    delivery.connectTimeout(), delivery.timeout())));
        }
        for (Hl7Peer peer : DeliveryTargets.hl7(delivery.resultsHl7())) {
            add(built, new Target("hl7", peer.toString(), new Hl7Destination(peer, delivery.hl7Facility(),
                    ZoneId.systemDefault(), delivery.connectTimeout(), delivery.timeout(), null)));
        }
        List<URI> webhooks = DeliveryTargets.webhooks(notify.webhooks());
        if (!webhooks.isEmpty() && blank(notify.webhookSecret())) {
            throw new DeliveryConfigurationException("TRIAGE_NOTIFY_WEBHOOK_SECRET is empty but TRIAGE_NOTIFY_WEBHOOKS is"
                    + " set: receivers verify each notification with this shared secret; make one with"
                    + " 'openssl rand -hex 32' and give the same value to every receiver");
        }
        for (URI webhook : webhooks) {
            add(built, new Target("webhook", webhookAddress(webhook), new WebhookDestination(webhook,
                    notify.webhookSecret(), notify.includePatient(), delivery.connectTimeout(), delivery.timeout(),
                    Clock.systemUTC())));
        }
        email(notify, delivery).ifPresent(target -> add(built, target));
        this.targets = Collections.unmodifiableMap(built);
        built.values().forEach(target -> LOG.info("results are delivered to {} {}", target.kind(), target.address()));
    }

    /** Every configured destination, in configuration order. */
    public List<Target> all() {
        return List.copyOf(targets.values());
    }

    /** The destination an outbox row names, if this node has it configured. */
    public Optional<Target> find(String kind, String address) {
        return Optional.ofNullable(targets.get(kind + " " + address));
    }

    private static void add(Map<String, Target> targets, Target target) {
        targets.putIfAbsent(target.kind() + " " + target.address(), target);
    }

    /** scheme://host[:port]/path: the query may hold a token and is never recorded. */
    static String webhookAddress(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static Optional<Target> email(NotifyConfig notify, DeliveryConfig delivery) {
        Optional<DeliveryTargets.SmtpServer> server = DeliveryTargets.smtp(notify.smtp());
        if (server.isEmpty()) {
            if (!blank(notify.emailTo()) || !blank(notify.emailFrom())) {
                throw new DeliveryConfigurationException("TRIAGE_NOTIFY_EMAIL_TO or TRIAGE_NOTIFY_EMAIL_FROM is set but"
                        + " TRIAGE_NOTIFY_SMTP is empty; set TRIAGE_NOTIFY_SMTP=host:port[;starttls], e.g."
                        + " smtp.hospital.example:587;starttls, or unset both");
            }
            return Optional.empty();
        }
        List<String> to = new ArrayList<>(Arrays.stream(notify.emailTo().split(",")).map(String::strip)
                .filter(address -> !address.isEmpty()).toList());
        SmtpSettings settings;
        try {
            settings = new SmtpSettings(server.get().host(), server.get().port(), server.get().startTls(),
                    notify.smtpUser(), notify.smtpPassword(), notify.emailFrom().strip(), to, delivery.timeout());
        } catch (DeliveryConfigurationException e) {
            throw new DeliveryConfigurationException("TRIAGE_NOTIFY_EMAIL_FROM / TRIAGE_NOTIFY_EMAIL_TO: " + e.getMessage());
        }
        String address = String.join(",", to) + " via " + server.get().host() + ":" + server.get().port();
        return Optional.of(new Target("email", address.length() > 300 ? address.substring(0, 300) : address,
                new EmailDestination(settings)));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
