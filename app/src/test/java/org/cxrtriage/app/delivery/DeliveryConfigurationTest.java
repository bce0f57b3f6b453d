package org.cxrtriage.app.delivery;

import org.cxrtriage.app.config.DeliveryConfig;
import org.cxrtriage.app.config.DicomConfig;
import org.cxrtriage.app.config.LinksConfig;
import org.cxrtriage.app.config.NotifyConfig;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.app.worklist.StudyLinks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up refuses a delivery configuration that cannot work, naming the variable, the entry and the fix. */
class DeliveryConfigurationTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void everyConfiguredDestinationGetsAStableAddressWithoutSecrets() {
        DeliveryDestinations destinations = destinations(delivery("PACS1@10.0.0.5:104, ARCHIVE@pacs.example.org:11112",
                "ris.example.org:2575;omi;app=RIS", Duration.ofMinutes(2)), notify(
                "https://alerts.example.org/cxr?token=very-secret,https://alerts.example.org/cxr?token=very-secret", SECRET,
                "smtp.hospital.example:587;starttls", "cxr@hospital.example", "oncall@hospital.example"));

        assertEquals(List.of("dicom PACS1@10.0.0.5:104", "dicom ARCHIVE@pacs.example.org:11112",
                        "hl7 ris.example.org:2575;omi", "webhook https://alerts.example.org/cxr",
                        "email oncall@hospital.example via smtp.hospital.example:587"),
                destinations.all().stream().map(target -> target.kind() + " " + target.address()).toList(),
                "the webhook's query (a token) is never recorded, and a repeated entry is one destination");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "PACS1@10.0.0.5 |  |  |  | TRIAGE_RESULTS_DICOM: entry 'PACS1@10.0.0.5' has no port; write AET@host:port",
            " | ris:2575;xml |  |  | TRIAGE_RESULTS_HL7: entry 'ris:2575;xml' has an unknown option 'xml'",
            " |  | https://alerts.example.org/cxr |  | TRIAGE_NOTIFY_WEBHOOK_SECRET is empty but TRIAGE_NOTIFY_WEBHOOKS is set",
            " |  | https://alerts.example.org/cxr | short | TRIAGE_NOTIFY_WEBHOOK_SECRET) must have at least 16 characters",
            " |  | http://alerts.example.org/cxr | " + SECRET + " | uses plain http to another machine"})
    void aBadEntryStopsStartUpWithTheFix(String dicom, String hl7, String webhooks, String secret, String expected) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> destinations(
                delivery(dicom, hl7, Duration.ofMinutes(2)), notify(webhooks, secret, null, null, null)));
        assertTrue(refused.getMessage().contains(expected), refused.getMessage());
    }

    @Test
    void eMailNeedsAServerAndAddresses() {
        IllegalArgumentException noServer = assertThrows(IllegalArgumentException.class, () -> destinations(
                delivery(null, null, Duration.ofMinutes(2)), notify(null, null, null, null, "oncall@hospital.example")));
        assertTrue(noServer.getMessage().contains("TRIAGE_NOTIFY_SMTP is empty"), noServer.getMessage());
        IllegalArgumentException noSender = assertThrows(IllegalArgumentException.class, () -> destinations(
                delivery(null, null, Duration.ofMinutes(2)), notify(null, null, "smtp.hospital.example:25", "",
                        "oncall@hospital.example")));
        assertTrue(noSender.getMessage().startsWith("TRIAGE_NOTIFY_EMAIL_FROM / TRIAGE_NOTIFY_EMAIL_TO:"), noSender.getMessage());
        IllegalArgumentException badServer = assertThrows(IllegalArgumentException.class, () -> destinations(
                delivery(null, null, Duration.ofMinutes(2)), notify(null, null, "smtp.hospital.example", "cxr@hospital.example",
                        "oncall@hospital.example")));
        assertTrue(badServer.getMessage().startsWith("TRIAGE_NOTIFY_SMTP: entry 'smtp.hospital.example' has no port"),
                badServer.getMessage());
    }

    @Test
    void aLeaseShorterThanTwoAttemptsIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> destinations(
                delivery(null, null, Duration.ofSeconds(45)), notify(null, null, null, null, null)));
        assertTrue(refused.getMessage().startsWith("TRIAGE_DELIVERY_LEASE is PT45S, less than twice TRIAGE_DELIVERY_TIMEOUT"),
                refused.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://pacs.example/viewer?patient={patientId} | has the unknown placeholder {patientId}",
            "pacs.example/viewer?study={studyUid} | is not an absolute http(s) URL"})
    void aViewerTemplateMustBeAUrlWithKnownPlaceholders(String template, String expected) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new StudyLinks(new LinksConfig(template, ""), () -> null));
        assertTrue(refused.getMessage().startsWith("TRIAGE_VIEWER_URL: '" + template + "' " + expected), refused.getMessage());
    }

    @Test
    void viewerLinksCarryTheStudyUrlEncoded() {
        StudyLinks links = new StudyLinks(new LinksConfig(
                "https://pacs.example/viewer?StudyInstanceUID={studyUid}&accession={accession}", "https://triage.example"),
                () -> null);
        assertEquals("https://pacs.example/viewer?StudyInstanceUID=1.2.3&accession=A%26B%3D1%20x",
                links.viewer("1.2.3", "A&B=1 x").orElseThrow());
        assertEquals("https://triage.example/?study=1.2.3", links.worklist("1.2.3"));
    }

    @Test
    void theServerDoesNotStartWithWebhooksButNoSecret() {
        Exception refused = assertThrows(Exception.class, () -> TriageServer.start(Database.H2, dir.resolve("data"),
                Map.of("triage.notify.webhooks", "https://alerts.example.org/cxr")).close());
        String messages = "";
        for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
            messages += cause.getMessage() + "\n";
        }
        assertTrue(messages.contains("TRIAGE_NOTIFY_WEBHOOK_SECRET is empty but TRIAGE_NOTIFY_WEBHOOKS is set"), messages);
    }

    private static DeliveryDestinations destinations(DeliveryConfig delivery, NotifyConfig notify) {
        return new DeliveryDestinations(delivery, notify, new DicomConfig("CXRTRIAGE", 11112, "0.0.0.0", "", 131072, 32,
                Duration.ofSeconds(60), Duration.ofSeconds(5), 0, false));
    }

    private static DeliveryConfig delivery(String dicom, String hl7, Duration lease) {
        return new DeliveryConfig(dicom, hl7, "HOSP-CXR", 2, Duration.ofHours(24), Duration.ofMinutes(5), lease,
                Duration.ofSeconds(30), Duration.ofMillis(250));
    }

    private static NotifyConfig notify(String webhooks, String secret, String smtp, String from, String to) {
        return new NotifyConfig(webhooks == null ? "" : webhooks, secret == null ? "" : secret, false,
                smtp == null ? "" : smtp, from == null ? "" : from, to == null ? "" : to, "", "");
    }
}
