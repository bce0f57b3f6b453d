package org.cxrtriage.app.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import org.cxrtriage.testdata.PhantomIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signed notifications to the JDK's HTTP server acting as the receiver. */
class WebhookDestinationTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Received(Headers headers, byte[] body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(204);
    private final AtomicLong delayMillis = new AtomicLong();
    private HttpServer receiver;

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                received.add(new Received(exchange.getRequestHeaders(), exchange.getRequestBody().readAllBytes()));
                Thread.sleep(delayMillis.get());
                byte[] answer = (status.get() == 204 ? "" : "receiver says " + status.get()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status.get(), answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) {
                    exchange.getResponseBody().write(answer);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void aCriticalFindingIsPostedSignedAndWithoutPatientData() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        ResultMessage message = ResultMessages.scored(identity, Optional.empty());

        Attempt attempt = destination(false, Duration.ofSeconds(5)).send(message);

        assertTrue(attempt.delivered(), attempt.toString());
        assertEquals("HTTP 204", attempt.detail());
        Received request = received.get(0);
        assertEquals("application/json", request.headers().getFirst("Content-Type"));
        assertEquals("cxr-4101-1", request.headers().getFirst(WebhookDestination.DELIVERY_HEADER));
        assertTrue(WebhookSignature.verify(SECRET, request.headers().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                request.headers().getFirst(WebhookSignature.SIGNATURE_HEADER), request.body(), Instant.now(),
                WebhookSignature.DEFAULT_TOLERANCE), "the receiver can check the signature");
        assertFalse(WebhookSignature.verify("another-secret-of-32-characters!", request.headers().getFirst(
                WebhookSignature.TIMESTAMP_HEADER), request.headers().getFirst(WebhookSignature.SIGNATURE_HEADER),
                request.body(), Instant.now(), WebhookSignature.DEFAULT_TOLERANCE));

        String body = new String(request.body(), StandardCharsets.UTF_8);
        for (String patientData : List.of(identity.patientId(), identity.patientName(), identity.patientName().split("\\^")[0],
                "HOSP-A", "1972")) {
            assertFalse(body.contains(patientData), "no patient data by default: " + patientData + " in " + body);
        }
        JsonNode json = JSON.readTree(request.body());
        assertEquals("cxr-triage.critical-finding", json.get("type").asText());
        assertEquals(1, json.get("version").asInt());
        assertEquals(identity.studyInstanceUid(), json.get("studyInstanceUid").asText());
        assertEquals(identity.accessionNumber(), json.get("accessionNumber").asText());
        assertEquals("stat", json.get("priority").asText());
        assertTrue(json.get("raisedByAi").asBoolean());
        assertFalse(json.get("correction").asBoolean());
        assertEquals("2026-11-30T09:15:42Z", json.get("scoredAt").asText());
        assertEquals("https://triage.example.org/studies/" + identity.studyInstanceUid(), json.get("worklistUrl").asText());
        assertEquals("cxr-reference", json.get("model").get("id").asText());
        assertEquals("1.0.0+cal.20261123T190851", json.get("model").get("version").asText());
        JsonNode findings = json.get("criticalFindings");
        assertEquals(1, findings.size(), "cardiomegaly is positive but not critical: " + findings);
        assertEquals("pneumothorax", findings.get(0).get("key").asText());
        assertEquals("Pneumothorax", findings.get(0).get("display").asText());
        assertEquals("http://snomed.info/sct", findings.get(0).get("system").asText());
        assertEquals("36118008", findings.get(0).get("code").asText());
        assertEquals(0.9312, findings.get(0).get("probability").asDouble());
        assertEquals(0.4451, findings.get(0).get("threshold").asDouble());
        assertFalse(json.has("patient"));
    }

    @Test
    void patientDataIsAddedOnlyWhenConfigured() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();

        assertTrue(destination(true, Duration.ofSeconds(5)).send(ResultMessages.scored(identity, Optional.empty())).delivered());

        JsonNode patient = JSON.readTree(received.get(0).body()).get("patient");
        assertEquals(identity.patientName(), patient.get("name").asText());
        assertEquals(identity.patientId(), patient.get("id").asText());
        assertEquals("HOSP-A", patient.get("issuer").asText());
    }

    @Test
    void aServerErrorIsRetriedAndARefusalIsNot() {
        ResultMessage message = ResultMessages.scored(PhantomIdentity.newStudy(), Optional.empty());
        WebhookDestination destination = destination(false, Duration.ofSeconds(5));

        status.set(503);
        Attempt unavailable = destination.send(message);
        status.set(401);
        Attempt refused = destination.send(message);

        assertFalse(unavailable.delivered());
        assertTrue(unavailable.retryable());
        assertTrue(unavailable.detail().endsWith(": HTTP 503 (receiver says 503)"), unavailable.detail());
        assertFalse(refused.delivered());
        assertFalse(refused.retryable(), refused.toString());
        assertTrue(refused.detail().contains("HTTP 401"), refused.detail());
        assertEquals(received.get(0).headers().getFirst(WebhookDestination.DELIVERY_HEADER),
                received.get(1).headers().getFirst(WebhookDestination.DELIVERY_HEADER), "a retry is the same delivery");
    }

    @Test
    void aSlowReceiverTimesOut() {
        delayMillis.set(3000);

        Attempt attempt = destination(false, Duration.ofMillis(800))
                .send(ResultMessages.scored(PhantomIdentity.newStudy(), Optional.empty()));

        assertFalse(attempt.delivered());
        assertTrue(attempt.retryable());
        assertTrue(attempt.detail().endsWith("no answer within 800 ms"), attempt.detail());
        assertTrue(attempt.took().compareTo(Duration.ofMillis(2500)) < 0, attempt.toString());
    }

    @Test
    void resultsWithoutAnAiRaisedCriticalFindingAreNotSent() {
        WebhookDestination destination = destination(false, Duration.ofSeconds(5));
        ResultMessage unreliable = ResultMessages.unreliable(PhantomIdentity.newStudy(), Optional.empty());

        assertFalse(destination.wants(unreliable));
        Attempt attempt = destination.send(unreliable);

        assertFalse(attempt.delivered());
        assertFalse(attempt.retryable());
        assertEquals(List.of(), received);
    }

    @Test
    void aShortSecretIsRefusedWithTheFix() {
        DeliveryConfigurationException error = org.junit.jupiter.api.Assertions.assertThrows(
                DeliveryConfigurationException.class, () -> new WebhookDestination(URI.create("https://a.example/x"),
                        "short", false, Duration.ofSeconds(1), Duration.ofSeconds(1), Clock.systemUTC()));
        assertTrue(error.getMessage().contains("TRIAGE_NOTIFY_WEBHOOK_SECRET") && error.getMessage().contains("openssl rand"),
                error.getMessage());
    }

    private WebhookDestination destination(boolean includePatient, Duration timeout) {
        URI endpoint = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        return new WebhookDestination(endpoint, SECRET, includePatient, Duration.ofSeconds(2), timeout, Clock.systemUTC());
    }
}
