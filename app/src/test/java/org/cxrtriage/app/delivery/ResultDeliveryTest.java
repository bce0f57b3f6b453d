package org.cxrtriage.app.delivery;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.CliProcess;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.R4Validation;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.Orthanc;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.cxrtriage.testdata.View;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import javax.net.ServerSocketFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #15 end to end with real peers: three studies (a pneumothorax the AI raises, a normal one,
 * a lateral it cannot score) go as SRs to Orthanc, as ORU^R01 to an MLLP listener, and only the
 * pneumothorax as a signed webhook; a late instance sends corrections; a PACS that refuses us shows
 * as failed on /health, the admin API and /prometheus, and is re-queued from the API and the CLI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResultDeliveryTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private Orthanc pacs;
    private MllpResponder ris;
    private WebhookReceiver hooks;
    private TriageServer server;
    private String refused;
    private String pneumothorax;
    private String normal;
    private String lateral;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("result-delivery");
        pacs = Orthanc.configure(dir.resolve("orthanc")).aeTitle("PACS").option("DicomCheckCalledAet", "true").start();
        ris = new MllpResponder(ServerSocketFactory.getDefault(), message -> MllpResponder.acknowledge(message, "AA", "", ""));
        hooks = new WebhookReceiver();
        refused = "WRONG@127.0.0.1:" + pacs.dicomPort();
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of(
                "triage.delivery.results-dicom", "PACS@127.0.0.1:" + pacs.dicomPort() + "," + refused,
                "triage.delivery.results-hl7", "127.0.0.1:" + ris.port() + ";app=RIS;facility=MAIN",
                "triage.delivery.hl7-facility", "HOSP-CXR",
                "triage.notify.webhooks", hooks.url(),
                "triage.notify.webhook-secret", SECRET,
                "triage.links.viewer-url", "https://pacs.example/viewer?StudyInstanceUID={studyUid}&accession={accession}",
                "triage.links.worklist-url", "https://triage.example/"));
        PythonPhantoms.Study critical = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 41);
        PythonPhantoms.Study clear = PythonPhantoms.study(dir, "normal", "none", 42);
        PhantomIdentity side = PhantomIdentity.newStudy();
        Path sideFile = dir.resolve("lateral.dcm");
        Transcoder.write(PhantomSpec.chestCr(side, 4).withView(View.LATERAL).withSize(300, 300),
                Encoding.EXPLICIT_LITTLE_ENDIAN, sideFile);
        pneumothorax = critical.studyInstanceUid();
        normal = clear.studyInstanceUid();
        lateral = side.studyInstanceUid();
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "MODALITY", List.of(critical.file(), clear.file(), sideFile))
                .allSucceeded(3));
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        pacs.close();
        ris.close();
        hooks.close();
    }

    @Test
    @Order(1)
    void everyOutcomeReachesThePacsAndTheRisAndOnlyTheCriticalOneTheWebhook() throws Exception {
        server.awaitCount(3 + 3 + 1, "SELECT COUNT(*) FROM delivery WHERE state = 'SENT'");
        server.awaitCount(2, "SELECT COUNT(*) FROM delivery WHERE kind = 'webhook' AND state = 'SKIPPED'");

        for (String study : List.of(pneumothorax, normal, lateral)) {
            String srUid = (String) server.query("SELECT sr_instance_uid FROM delivery WHERE study_instance_uid = ?"
                    + " AND kind = 'dicom' AND state = 'SENT'", study).get(0).get(0);
            AttributeList sr = SrValidation.read(pacs.instanceFile(pacs.instanceId(srUid).orElseThrow(
                    () -> new AssertionError("Orthanc has no SR " + srUid + "\n" + pacs.log()))));
            assertEquals(List.of(), SrValidation.problems(sr), study);
            assertEquals(study, Attribute.getSingleStringValueOrEmptyString(sr, TagFromName.StudyInstanceUID));
        }
        assertTrue(srOf(lateral).toString().contains("not scored: lateral view only"), "the SR says why it was not scored");

        List<String> orus = ris.received();
        assertEquals(3, orus.size(), String.join("\n\n", orus));
        for (String study : List.of(pneumothorax, normal, lateral)) {
            String oru = orus.stream().filter(m -> m.contains(study)).findFirst().orElseThrow();
            assertEquals("CXR" + resultId(study, 1) + "R1", field(oru, "MSH", 9), "MSH-10: the deterministic control ID");
            assertEquals("P", field(oru, "OBR", 25), "OBR-25: preliminary");
        }
        assertTrue(orus.stream().filter(m -> m.contains(lateral)).findFirst().orElseThrow()
                .contains("not scored: lateral view only"));

        assertEquals(1, hooks.received().size(), "only the study the AI raised for a critical finding");
        WebhookReceiver.Received hook = hooks.received().get(0);
        assertTrue(WebhookSignature.verify(SECRET, hook.headers().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                hook.headers().getFirst(WebhookSignature.SIGNATURE_HEADER), hook.body(), java.time.Instant.now(),
                WebhookSignature.DEFAULT_TOLERANCE));
        JsonNode body = JSON.readTree(hook.body());
        assertEquals(pneumothorax, body.get("studyInstanceUid").asText());
        assertEquals("pneumothorax", body.get("criticalFindings").get(0).get("key").asText());
        assertEquals("https://triage.example/?study=" + pneumothorax, body.get("worklistUrl").asText());
        assertTrue(body.get("viewerUrl").asText().startsWith("https://pacs.example/viewer?StudyInstanceUID=" + pneumothorax));
        assertFalse(body.has("patient"), "no patient data unless TRIAGE_NOTIFY_INCLUDE_PATIENT");
        Duration toWebhook = Duration.between(scoredAt(pneumothorax, 1).toInstant(), hook.at());
        assertTrue(toWebhook.compareTo(Duration.ofSeconds(5)) < 0, "webhook " + toWebhook + " after scoring");
        System.out.printf("scored -> webhook %d ms; scored -> SR stored in Orthanc %s ms%n", toWebhook.toMillis(),
                server.query("SELECT r.study_instance_uid, d.sent_at, r.created_at FROM delivery d JOIN triage_result r"
                        + " ON r.id = d.result_id WHERE d.kind = 'dicom' AND d.state = 'SENT'").stream()
                        .map(row -> Duration.between(((OffsetDateTime) row.get(2)).toInstant(),
                                ((OffsetDateTime) row.get(1)).toInstant()).toMillis()).toList());
        assertTrue(server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'result.sent'") >= 7);
    }

    @Test
    @Order(2)
    void aLateInstanceSendsACorrectionThatSupersedesTheEarlierVersion() throws Exception {
        PhantomIdentity late = new PhantomIdentity("X", "LATE^LATERAL", "F", "A", pneumothorax, PhantomIdentity.newUid(),
                PhantomIdentity.newUid());
        Path lateFile = dir.resolve("late-lateral.dcm");
        Transcoder.write(PhantomSpec.chestCr(late, 8).withView(View.LATERAL).withSize(300, 300),
                Encoding.EXPLICIT_LITTLE_ENDIAN, lateFile);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "MODALITY", List.of(lateFile)).allSucceeded(1));
        server.awaitCount(3, "SELECT COUNT(*) FROM delivery WHERE study_instance_uid = ? AND study_revision = 2"
                + " AND state = 'SENT'", pneumothorax);

        String first = srUid(pneumothorax, 1);
        AttributeList second = srOf(pneumothorax);
        assertEquals("2", Attribute.getSingleStringValueOrEmptyString(second, TagFromName.InstanceNumber));
        AttributeList reference = ((SequenceAttribute) second.get(TagFromName.PredecessorDocumentsSequence)).getItem(0)
                .getAttributeList();
        reference = ((SequenceAttribute) reference.get(TagFromName.ReferencedSeriesSequence)).getItem(0).getAttributeList();
        reference = ((SequenceAttribute) reference.get(TagFromName.ReferencedSOPSequence)).getItem(0).getAttributeList();
        assertEquals(first, Attribute.getSingleStringValueOrEmptyString(reference, TagFromName.ReferencedSOPInstanceUID),
                "the new SR names the one it supersedes");
        assertTrue(pacs.instanceId(first).isPresent(), "the PACS keeps the earlier version");

        String correction = ris.received().stream().filter(m -> m.contains("CXR" + resultId(pneumothorax, 2) + "R2"))
                .findFirst().orElseThrow();
        assertEquals("C", field(correction, "OBR", 25), "OBR-25: corrected");
        JsonNode hook = JSON.readTree(hooks.received().get(hooks.received().size() - 1).body());
        assertEquals(2, hook.get("revision").asInt());
        assertTrue(hook.get("correction").asBoolean());
    }

    @Test
    @Order(3)
    void theSrIsServedOverFhirAsTheReportsPresentedForm() throws Exception {
        FhirContext fhir = FhirContext.forR4Cached();
        long result = resultId(normal, 1);
        DiagnosticReport report = fhir.newJsonParser().parseResource(DiagnosticReport.class,
                get(Role.RADIOLOGIST, "/fhir/DiagnosticReport/r" + result, "application/fhir+json").body());
        assertEquals("application/dicom", report.getPresentedFormFirstRep().getContentType());
        assertEquals("Binary/sr-r" + result, report.getPresentedFormFirstRep().getUrl());

        HttpResponse<byte[]> file = http.send(server.as(Role.RADIOLOGIST, "/fhir/Binary/sr-r" + result)
                .header("Accept", "application/dicom").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, file.statusCode());
        AttributeList sr = SrValidation.read(file.body());
        assertEquals(srUid(normal, 1), Attribute.getSingleStringValueOrEmptyString(sr, TagFromName.SOPInstanceUID),
                "the same instance the PACS received");
        assertEquals(List.of(), SrValidation.problems(sr));
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'fhir.read' AND study_uid = ?"
                + " AND details LIKE '%Binary/sr-r%'", normal), "reading the SR is audited against its study");

        Binary binary = fhir.newJsonParser().parseResource(Binary.class,
                get(Role.RADIOLOGIST, "/fhir/Binary/sr-r" + result, "application/fhir+json").body());
        ImagingStudy study = fhir.newJsonParser().parseResource(ImagingStudy.class,
                get(Role.RADIOLOGIST, "/fhir/ImagingStudy/" + normal, "application/fhir+json").body());
        assertTrue(study.getExtensionByUrl("https://cxr-triage.org/fhir/StructureDefinition/viewer-url").getValue()
                .primitiveValue().startsWith("https://pacs.example/viewer?StudyInstanceUID=" + normal));
        assertEquals(List.of(), R4Validation.errors(List.of(report, binary, study)));
    }

    @Test
    @Order(4)
    void theWebRowsCarryTheViewerLink() throws Exception {
        JsonNode rows = JSON.readTree(get(Role.RADIOLOGIST, "/api/worklist", "application/json").body()).get("rows");
        assertEquals(3, rows.size());
        for (JsonNode row : rows) {
            assertTrue(row.get("viewerUrl").asText().startsWith("https://pacs.example/viewer?StudyInstanceUID="
                    + row.get("studyUid").asText() + "&accession="), row.toString());
        }
    }

    @Test
    @Order(5)
    void aRefusingPacsShowsAsFailedAndIsRequeuedFromTheApiAndTheCommandLine() throws Exception {
        server.awaitCount(4, "SELECT COUNT(*) FROM delivery WHERE destination = ? AND state = 'FAILED'", refused);
        assertEquals(4, server.count("SELECT COUNT(*) FROM delivery WHERE destination = ? AND attempts = 1", refused),
                "a permanent rejection is not retried");

        JsonNode health = JSON.readTree(get(Role.ADMIN, "/health", "application/json").body()).get("details").get("delivery");
        assertEquals("DEGRADED", health.get("status").asText());
        assertEquals(4, health.get("details").get("failed").get("dicom").asInt());
        assertTrue(health.get("details").get("destinations").toString().contains(refused));
        JsonNode anonymous = JSON.readTree(http.send(HttpRequest.newBuilder(server.uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).get("details").get("delivery").get("details");
        assertFalse(anonymous.has("destinations"), "addresses are for administrators");

        String overview = get(Role.ADMIN, "/api/admin/deliveries", "application/json").body();
        JsonNode failures = JSON.readTree(overview).get("failures");
        assertEquals(4, failures.size(), overview);
        assertTrue(failures.get(0).get("error").asText().contains("rejected-permanent"), overview);
        for (String study : List.of(pneumothorax, normal, lateral)) {
            assertFalse(overview.contains(study), "no study UID for administrators");
        }

        HttpResponse<String> retried = http.send(server.as(Role.ADMIN, "/api/admin/deliveries/retry")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"destination\":\"" + refused + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("{\"requeued\":4}", retried.body());
        server.awaitCount(1, "SELECT COUNT(*) FROM delivery WHERE destination = ? AND state = 'SKIPPED'", refused);
        assertEquals(List.of(List.of(pneumothorax, 1)), server.query("SELECT study_instance_uid, study_revision FROM delivery"
                + " WHERE destination = ? AND state = 'SKIPPED'", refused), "a re-queued version that a later one replaced"
                + " is skipped, not sent");
        server.awaitCount(3, "SELECT COUNT(*) FROM delivery WHERE destination = ? AND state = 'FAILED' AND attempts = 1"
                + " AND last_attempt_at > (SELECT MAX(recorded_at) FROM audit_record WHERE action = 'result.retry')", refused);

        CliProcess cli = CliProcess.runWith(server.databaseEnvironment(), null, "deliver", "retry", "--study", lateral,
                "--data-dir", server.dataDir().toString());
        assertEquals(0, cli.exitCode(), cli.output());
        assertTrue(cli.output().contains("1 failed delivery re-queued"), cli.output());
        assertEquals(List.of(List.of("USER", "admin"), List.of("USER", "os:" + System.getProperty("user.name"))),
                server.query("SELECT actor_type, actor FROM audit_record WHERE action = 'result.retry' ORDER BY sequence"));
        server.awaitCount(1, "SELECT COUNT(*) FROM delivery WHERE destination = ? AND state = 'FAILED' AND study_instance_uid = ?"
                + " AND last_attempt_at > (SELECT MAX(recorded_at) FROM audit_record WHERE action = 'result.retry')", refused,
                lateral);

        String metrics = "";
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && !metrics.contains("triage_delivery_failed{kind=\"dicom\"} 3.0")) {
            Thread.sleep(500);
            metrics = get(Role.ADMIN, "/prometheus", "text/plain").body();
        }
        for (String expected : List.of("triage_delivery_failed{kind=\"dicom\"} 3.0", "triage_delivery_pending{kind=\"hl7\"} 0.0",
                "triage_delivery_attempts_total{kind=\"webhook\",outcome=\"sent\"} 2.0",
                "triage_delivery_attempts_total{kind=\"dicom\",outcome=\"failed\"}",
                "triage_delivery_latency_seconds_bucket{kind=\"dicom\"")) {
            assertTrue(metrics.contains(expected), expected + " in\n" + metrics.lines()
                    .filter(line -> line.startsWith("triage_delivery")).toList());
        }
    }

    private HttpResponse<String> get(Role role, String path, String accept) throws Exception {
        HttpResponse<String> response = http.send(server.as(role, path).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response;
    }

    private long resultId(String study, int revision) {
        try {
            return server.count("SELECT id FROM triage_result WHERE study_instance_uid = ? AND study_revision = ?"
                    + " AND shadow = FALSE", study, revision);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private OffsetDateTime scoredAt(String study, int revision) throws Exception {
        return (OffsetDateTime) server.query("SELECT created_at FROM triage_result WHERE study_instance_uid = ?"
                + " AND study_revision = ? AND shadow = FALSE", study, revision).get(0).get(0);
    }

    private String srUid(String study, int revision) throws Exception {
        return (String) server.query("SELECT sr_instance_uid FROM delivery WHERE study_instance_uid = ? AND study_revision = ?"
                + " AND kind = 'dicom' AND state = 'SENT'", study, revision).get(0).get(0);
    }

    /** The latest SR of the study that the PACS holds. */
    private AttributeList srOf(String study) throws Exception {
        String uid = (String) server.query("SELECT sr_instance_uid FROM delivery WHERE study_instance_uid = ?"
                + " AND kind = 'dicom' AND state = 'SENT' ORDER BY result_id DESC", study).get(0).get(0);
        return SrValidation.read(pacs.instanceFile(pacs.instanceId(uid).orElseThrow()));
    }

    /** Field {@code index} of the first segment named {@code segment} (MSH counts its separator as field 1). */
    private static String field(String message, String segment, int index) {
        for (String line : message.split("\r")) {
            if (line.startsWith(segment + "|")) {
                String[] fields = line.split("\\|", -1);
                return fields.length > index ? fields[index] : "";
            }
        }
        throw new AssertionError("no " + segment + " in " + message);
    }
}
