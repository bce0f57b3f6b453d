package org.cxrtriage.app.delivery;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.cxrtriage.testdata.PhantomIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Critical-finding e-mail through Jakarta Mail (Angus) to an in-test SMTP listener. */
class EmailDestinationTest {

    private SmtpListener smtp;

    @BeforeEach
    void start() throws Exception {
        smtp = new SmtpListener();
    }

    @AfterEach
    void stop() throws Exception {
        smtp.close();
    }

    @Test
    void aCriticalFindingIsMailedWithoutPatientData() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        ResultMessage message = ResultMessages.scored(identity, Optional.empty());

        Attempt attempt = destination(smtp.port()).send(message);

        assertTrue(attempt.delivered(), attempt.toString());
        SmtpListener.Mail mail = smtp.mails().get(0);
        assertEquals("<cxr-triage@hospital.example>", mail.from());
        assertEquals(List.of("<radiology-oncall@hospital.example>", "<er@hospital.example>"), mail.to());
        MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(mail.data().getBytes(StandardCharsets.UTF_8)));
        assertEquals("[cxr-triage] STAT: Pneumothorax flagged by AI (accession " + identity.accessionNumber() + ")",
                parsed.getSubject());
        assertEquals("cxr-4101-1", parsed.getHeader(WebhookDestination.DELIVERY_HEADER, null));
        String body = ((String) parsed.getContent()).replace("\r\n", "\n");
        assertTrue(body.contains("  - Pneumothorax: 93.12 % (operating point 44.51 %)\n"), body);
        assertTrue(body.contains("Study Instance UID: " + identity.studyInstanceUid() + "\n"), body);
        assertTrue(body.contains("Worklist: https://triage.example.org/studies/" + identity.studyInstanceUid()), body);
        assertFalse(body.contains("Cardiomegaly"), "only critical findings");
        for (String patientData : List.of(identity.patientId(), identity.patientName().split("\\^")[0], "HOSP-A")) {
            assertFalse(mail.data().contains(patientData), "no patient data: " + patientData);
        }
    }

    @Test
    void aHostileFindingNameCannotInjectAHeader() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();

        Attempt attempt = destination(smtp.port()).send(ResultMessages.hostile(identity));

        assertTrue(attempt.delivered(), attempt.toString());
        MimeMessage parsed = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(smtp.mails().get(0).data().getBytes(StandardCharsets.UTF_8)));
        assertTrue(parsed.getSubject().startsWith("[cxr-triage] STAT: Pneumothorax  |^~\\& flagged by AI"),
                parsed.getSubject());
        assertEquals(null, parsed.getHeader("EVIL"));
    }

    @Test
    void aRefusedRecipientIsFinalAndATemporaryRefusalIsRetried() throws Exception {
        ResultMessage message = ResultMessages.scored(PhantomIdentity.newStudy(), Optional.empty());

        smtp.replyToRecipients("550 5.1.1 no such mailbox");
        Attempt refused = destination(smtp.port()).send(message);
        smtp.replyToRecipients("451 4.3.0 try again later");
        Attempt deferred = destination(smtp.port()).send(message);

        assertFalse(refused.delivered());
        assertFalse(refused.retryable(), refused.toString());
        assertTrue(refused.detail().contains("SMTP 550"), refused.detail());
        assertFalse(deferred.delivered());
        assertTrue(deferred.retryable(), deferred.toString());
        assertTrue(deferred.detail().contains("SMTP 451"), deferred.detail());
        assertEquals(List.of(), smtp.mails());
    }

    @Test
    void noServerIsWorthRetrying() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        Attempt attempt = destination(closed).send(ResultMessages.scored(PhantomIdentity.newStudy(), Optional.empty()));

        assertFalse(attempt.delivered());
        assertTrue(attempt.retryable(), attempt.toString());
    }

    @Test
    void resultsThatAreNotNotificationsAreNotMailed() {
        EmailDestination destination = destination(smtp.port());
        ResultMessage notScored = ResultMessages.notScored(PhantomIdentity.newStudy());

        assertFalse(destination.wants(notScored));
        assertFalse(destination.send(notScored).delivered());
        assertEquals(List.of(), smtp.mails());
    }

    @Test
    void badSettingsNameTheFix() {
        DeliveryConfigurationException noRecipient = assertThrows(DeliveryConfigurationException.class,
                () -> new SmtpSettings("smtp.example", 25, false, "", "", "a@b.example", List.of(), Duration.ofSeconds(1)));
        DeliveryConfigurationException badSender = assertThrows(DeliveryConfigurationException.class,
                () -> new SmtpSettings("smtp.example", 25, false, "", "", "not an address", List.of("x@y.example"),
                        Duration.ofSeconds(1)));
        assertTrue(noRecipient.getMessage().contains("at least one recipient"), noRecipient.getMessage());
        assertTrue(badSender.getMessage().contains("'not an address' is not an address"), badSender.getMessage());
    }

    private static EmailDestination destination(int port) {
        return new EmailDestination(new SmtpSettings("127.0.0.1", port, false, "", "", "cxr-triage@hospital.example",
                List.of("radiology-oncall@hospital.example", "er@hospital.example"), Duration.ofSeconds(3)));
    }
}
