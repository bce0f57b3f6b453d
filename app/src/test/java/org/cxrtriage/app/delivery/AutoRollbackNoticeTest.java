package org.cxrtriage.app.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.cxrtriage.app.support.CliProcess;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ModelVersions;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A canary that goes back to shadow by itself tells the administrators: a signed webhook body and
 * an e-mail naming model, version, reason, time and node, with no patient data. The webhook
 * receiver is down (503) at the first attempt and gets the same notice at the next one, because
 * the notice was written with the rollback; every attempt is audited.
 */
class AutoRollbackNoticeTest {

    private static final String FLAGGING = "2.1.0-flags-all";
    private static final String SECRET = "canary-notice-secret-0123456789abcdef";
    private static final String TYPE = "cxr-triage.model.auto-rollback";

    @TempDir
    Path dir;

    private record Request(String deliveryId, String timestamp, String signature, byte[] body, int answered) {
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anAutomaticRollbackReachesADownWebhookLaterAndTheMailboxSignedAndWithoutPatientData(Database database)
            throws Exception {
        List<Request> notices = new CopyOnWriteArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                boolean notice = new String(body, StandardCharsets.UTF_8).contains("\"type\":\"" + TYPE + "\"");
                int status = notice && answered.getAndIncrement() == 0 ? 503 : 204;
                if (notice) {
                    notices.add(new Request(exchange.getRequestHeaders().getFirst(WebhookDestination.DELIVERY_HEADER),
                            exchange.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                            exchange.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER), body, status));
                }
                exchange.sendResponseHeaders(status, -1);
            }
        });
        receiver.start();
        String webhook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        List<String> studyUids = new ArrayList<>();
        try (SmtpListener smtp = new SmtpListener();
             TriageServer server = TriageServer.start(database, dir.resolve("data"), Map.of("triage.monitor.poll", "1s",
                     "triage.rollout.poll", "500ms", "triage.notify.webhooks", webhook, "triage.notify.webhook-secret", SECRET,
                     "triage.notify.smtp", "127.0.0.1:" + smtp.port(), "triage.notify.email-from", "cxr-triage@hospital.example",
                     "triage.notify.email-to", "pacs-admins@hospital.example"))) {
            assertEquals(0, cli(server, "model", "install", ModelVersions.reference(dir.resolve("v-flag"), FLAGGING, true)
                    .toString()).exitCode());
            CliProcess stage = cli(server, "model", "stage", "cxr-reference", FLAGGING, "canary", "--percent", "100",
                    "--reason", "vendor candidate at full share");
            assertEquals(0, stage.exitCode(), stage.output());
            for (int seed = 500; server.count("SELECT COUNT(*) FROM model_version WHERE version = ? AND state = 'shadow'",
                    FLAGGING) == 0; seed++) {
                assertTrue(seed < 520, "the disagreeing canary was not rolled back after 20 studies");
                PythonPhantoms.Study study = PythonPhantoms.study(dir, "study-" + seed, "none", seed);
                assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(study.file())).allSucceeded(1));
                server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?"
                        + " AND current_result_id IS NOT NULL", study.studyInstanceUid());
                studyUids.add(study.studyInstanceUid());
                Thread.sleep(1500);
            }
            server.awaitCount(2, "SELECT COUNT(*) FROM operations_notice WHERE state = 'SENT'");

            assertEquals(2, notices.size(), "refused once, then delivered: " + notices);
            assertEquals(503, notices.get(0).answered());
            assertEquals(204, notices.get(1).answered());
            assertEquals(notices.get(0).deliveryId(), notices.get(1).deliveryId(), "the same notice, retried");
            Request delivered = notices.get(1);
            assertTrue(WebhookSignature.verify(SECRET, delivered.timestamp(), delivered.signature(), delivered.body(),
                    Instant.now(), WebhookSignature.DEFAULT_TOLERANCE), "signed with the shared secret");
            assertFalse(WebhookSignature.verify("another-secret-0123456789abcdef", delivered.timestamp(), delivered.signature(),
                    delivered.body(), Instant.now(), WebhookSignature.DEFAULT_TOLERANCE));

            JsonNode body = new ObjectMapper().readTree(delivered.body());
            assertEquals(TYPE, body.path("type").asText());
            assertEquals("cxr-reference", body.path("model").path("id").asText());
            assertEquals(FLAGGING, body.path("model").path("version").asText());
            assertTrue(body.path("reason").asText().contains("disagreement CUSUM S = "), body.toString());
            assertFalse(body.path("node").asText().isBlank(), body.toString());
            Instant rolledBack = instant(server.query("SELECT occurred_at FROM model_version_event"
                    + " WHERE action = 'model.auto-rollback'").get(0).get(0));
            Duration apart = Duration.between(rolledBack, Instant.parse(body.path("occurredAt").asText())).abs();
            assertTrue(apart.compareTo(Duration.ofSeconds(1)) < 0, "the time of the rollback: " + apart);
            String text = new String(delivered.body(), StandardCharsets.UTF_8);
            assertFalse(body.has("patient") || body.has("studyInstanceUid"), text);
            for (String uid : studyUids) {
                assertFalse(text.contains(uid), "no study named");
            }
            for (List<Object> patient : server.query("SELECT patient_id, patient_name FROM study")) {
                for (Object value : patient) {
                    assertTrue(value == null || !text.contains(value.toString()), "no patient data: " + value);
                }
            }

            List<SmtpListener.Mail> mails = smtp.mails().stream().filter(mail -> mail.data().contains("went back to shadow"))
                    .toList();
            assertEquals(1, mails.size(), "one e-mail to the administrators");
            assertTrue(mails.get(0).to().toString().contains("pacs-admins@hospital.example"), mails.get(0).to().toString());
            assertTrue(mails.get(0).data().contains(FLAGGING) && mails.get(0).data().contains("disagreement CUSUM"),
                    mails.get(0).data());

            List<List<Object>> audited = server.query("SELECT action, outcome, resources, details FROM audit_record"
                    + " WHERE action IN ('notice.sent', 'notice.failed') ORDER BY sequence");
            assertEquals(3, audited.size(), audited.toString());
            assertEquals(List.of("notice.failed", "FAILURE"), audited.get(0).subList(0, 2));
            assertTrue(audited.get(0).get(3).toString().contains("HTTP 503") && audited.get(0).get(3).toString()
                    .contains("next attempt at"), audited.get(0).toString());
            assertEquals(2, audited.stream().filter(row -> row.get(0).equals("notice.sent")).count(), audited.toString());
            assertTrue(audited.stream().allMatch(row -> row.get(2).toString().contains("Device/cxr-reference-")), audited.toString());
            System.out.printf("auto-rollback notice (%s): webhook refused once, delivered at attempt 2 (%s after the"
                    + " rollback)%n", database, Duration.between(rolledBack,
                    Instant.ofEpochSecond(Long.parseLong(delivered.timestamp()))));
        } finally {
            receiver.stop(0);
        }
    }

    /** A TIMESTAMP WITH TIME ZONE as H2 (OffsetDateTime) or the PostgreSQL driver (Timestamp) returns it. */
    private static Instant instant(Object value) {
        return value instanceof java.sql.Timestamp timestamp ? timestamp.toInstant() : ((OffsetDateTime) value).toInstant();
    }

    private CliProcess cli(TriageServer server, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", server.dataDir().toString()));
        return CliProcess.runWith(server.databaseEnvironment(), null, all.toArray(String[]::new));
    }
}
