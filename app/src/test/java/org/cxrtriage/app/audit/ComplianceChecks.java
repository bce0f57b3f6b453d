package org.cxrtriage.app.audit;

import ca.uhn.fhir.context.FhirContext;
import org.cxrtriage.app.retention.RetentionSweeper;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.CliProcess;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.R4Validation;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a compliance officer relies on, against a running server: each action leaves a record with
 * the right actor and study, the records are served as valid AuditEvents and searchable, the study
 * view's timeline lists them, an export's manifest matches its file, and expired pixel data goes
 * while its records stay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ComplianceChecks {

    private final Database database;

    ComplianceChecks(Database database) {
        this.database = database;
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final FhirContext fhir = FhirContext.forR4Cached();
    private Path dir;
    private TriageServer server;
    private String study;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("compliance");
        server = TriageServer.start(database, dir.resolve("data"), Map.of("triage.retention.pixel-data", "1h"));
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path file = dir.resolve("study.dcm");
        Transcoder.write(PhantomSpec.chestCr(identity, 1).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "MODALITY1", List.of(file)).allSucceeded(1));
        server.awaitCount(1, "SELECT COUNT(*) FROM finding_result");
        study = identity.studyInstanceUid();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    @Order(1)
    void eachActionIsRecordedWithItsActorAndStudy() throws Exception {
        long finding = server.count("SELECT MIN(id) FROM finding_result");
        send(Role.RADIOLOGIST, "GET", "/api/worklist", null);
        send(Role.RADIOLOGIST, "GET", "/api/studies/" + study, null);
        send(Role.RADIOLOGIST, "GET", "/api/studies/" + study + "/preview.png", null);
        send(Role.RADIOLOGIST, "POST", "/api/studies/" + study + "/open", "");
        // Opening only looks; claiming and reviewing are what change the Task.
        send(Role.RADIOLOGIST, "POST", "/api/studies/" + study + "/claim", "");
        send(Role.RADIOLOGIST, "POST", "/api/studies/" + study + "/review", "");
        send(Role.RADIOLOGIST, "POST", "/api/findings/" + finding + "/feedback", "{\"agree\":false}");
        send(Role.INTEGRATION, "GET", "/fhir/Task/" + study, null);
        send(Role.INTEGRATION, "GET", "/fhir/ImagingStudy", null);
        send(Role.ADMIN, "POST", "/admin/models/reload", "");
        send(Role.COMPLIANCE, "GET", "/api/studies/" + study + "/audit", null);

        assertRecorded("SYSTEM", "cxr-triage", "system.start", null);
        assertRecorded("SYSTEM", "cxr-triage", "model.load", null);
        assertRecorded("AE", "MODALITY1", "dicom.store", study);
        assertRecorded("AE", "MODALITY1", "dicom.association", null);
        assertRecorded("SYSTEM", "cxr-triage", "triage.scored", study);
        assertRecorded("USER", "radiologist", "worklist.read", null);
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'worklist.read' AND resources = ?",
                "[\"Task/" + study + "\"]"), "the worklist fetch names the Tasks it showed");
        assertRecorded("USER", "radiologist", "study.view", study);
        assertRecorded("USER", "radiologist", "study.image", study);
        assertRecorded("USER", "radiologist", "study.claim", study);
        assertRecorded("USER", "radiologist", "task.update", study);
        assertRecorded("USER", "radiologist", "finding.feedback", study);
        assertRecorded("USER", "integration", "fhir.read", study);
        assertRecorded("USER", "integration", "fhir.search", study);
        assertRecorded("USER", "admin", "model.reload", null);
        assertRecorded("USER", "compliance", "audit.read", study);
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'fhir.read' AND resources = ?",
                "[\"Task/" + study + "\"]"), "a read names the resource it returned");
        String scoredBy = org.cxrtriage.compliance.chain.ResourceColumn.decode((String) server.query(
                        "SELECT resources FROM audit_record WHERE action = 'triage.scored'").get(0).get(0), 2)
                .stream().filter(resource -> resource.startsWith("Device/")).findFirst().orElseThrow();
        assertEquals(200, send(Role.INTEGRATION, "GET", "/fhir/" + scoredBy, null).statusCode(),
                "the model behind a score is a Device the FHIR API serves: " + scoredBy);
    }

    @Test
    @Order(2)
    void complianceOfficersSearchTheLogAsValidAuditEvents() throws Exception {
        HttpResponse<String> response = send(Role.COMPLIANCE, "GET", "/fhir/AuditEvent?entity=ImagingStudy/" + study
                + "&_count=100", null);
        assertEquals(200, response.statusCode(), response.body());
        Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, response.body());
        List<AuditEvent> events = bundle.getEntry().stream().map(entry -> (AuditEvent) entry.getResource()).toList();
        assertTrue(events.size() >= 6, "the study's events: " + events.size());
        assertEquals(List.of(), R4Validation.errors(events));
        assertTrue(events.stream().allMatch(event -> event.getEntity().stream().anyMatch(entity ->
                entity.getWhat().getIdentifier().getValue() != null
                        && entity.getWhat().getIdentifier().getValue().endsWith(study)
                        || ("ImagingStudy/" + study).equals(entity.getWhat().getReference())
                        || ("Task/" + study).equals(entity.getWhat().getReference()))), "every event names the study");

        Bundle byAgent = fhir.newJsonParser().parseResource(Bundle.class,
                send(Role.COMPLIANCE, "GET", "/fhir/AuditEvent?agent-name=radiologist", null).body());
        assertTrue(byAgent.getTotal() >= 3);
        assertTrue(byAgent.getEntry().stream().allMatch(entry -> ((AuditEvent) entry.getResource()).getAgent().stream()
                .anyMatch(agent -> "radiologist".equals(agent.getWho().getIdentifier().getValue()))));

        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        Bundle future = fhir.newJsonParser().parseResource(Bundle.class,
                send(Role.COMPLIANCE, "GET", "/fhir/AuditEvent?date=ge" + tomorrow, null).body());
        assertEquals(0, future.getTotal());
        Bundle today = fhir.newJsonParser().parseResource(Bundle.class, send(Role.COMPLIANCE, "GET",
                "/fhir/AuditEvent?date=ge" + LocalDate.now(ZoneOffset.UTC) + "&date=lt" + tomorrow + "&_count=5", null).body());
        assertEquals(server.count("SELECT COUNT(*) FROM audit_record WHERE sequence <= ?",
                Long.parseLong(today.getEntryFirstRep().getResource().getIdElement().getIdPart()) + today.getTotal() - 1),
                (long) today.getTotal(), "every record so far was made today");
        assertTrue(today.getLink("next") != null, "large results page");

        AuditEvent first = fhir.newJsonParser().parseResource(AuditEvent.class,
                send(Role.COMPLIANCE, "GET", "/fhir/AuditEvent/1", null).body());
        assertEquals("1", first.getIdElement().getIdPart());
        assertTrue(server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'audit.read' AND actor = 'compliance'"
                + " AND resources LIKE '[\"AuditEvent/%'") >= 1, "reading the audit log is itself audited");
    }

    @Test
    @Order(3)
    void theStudyViewShowsItsComplianceTimeline() throws Exception {
        HttpResponse<String> timeline = send(Role.COMPLIANCE, "GET", "/api/studies/" + study + "/audit", null);
        assertEquals(200, timeline.statusCode());
        for (String action : List.of("dicom.store", "triage.scored", "study.view", "task.update", "finding.feedback")) {
            assertTrue(timeline.body().contains("\"action\":\"" + action + "\""), action + " in " + timeline.body());
        }
        assertTrue(timeline.body().contains("\"chainIntact\":true"), timeline.body());
        assertFalse(timeline.body().contains("\"hashValid\":false"));
    }

    @Test
    @Order(4)
    void anExportValidatesAndItsManifestHashMatches() throws Exception {
        Path out = dir.resolve("audit.ndjson");
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        CliProcess export = cli(null,"audit", "export", "--from", today, "--to", tomorrow, "--format", "ndjson",
                "--out", out.toString(), "--data-dir", server.dataDir().toString());
        assertEquals(0, export.exitCode(), export.output());
        List<String> lines = Files.readAllLines(out);
        List<AuditEvent> events = lines.stream().map(line -> fhir.newJsonParser().parseResource(AuditEvent.class, line)).toList();
        assertTrue(events.size() >= 10);
        assertEquals(List.of(), R4Validation.errors(events));
        String manifest = Files.readString(dir.resolve("audit.ndjson.manifest.json"));
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out)));
        assertTrue(manifest.contains(sha256), "manifest names the file's SHA-256 " + sha256 + ": " + manifest);
        assertTrue(manifest.replaceAll("\\s", "").contains("\"recordCount\":" + events.size() + ","), manifest);
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'audit.export' AND details LIKE ?",
                "%sha256 " + sha256 + "%"), "the export itself is audited");

        CliProcess csv = cli(null,"audit", "export", "--from", today, "--to", tomorrow, "--format", "csv",
                "--out", dir.resolve("audit.csv").toString(), "--data-dir", server.dataDir().toString());
        assertEquals(0, csv.exitCode(), csv.output());
        assertTrue(Files.readAllLines(dir.resolve("audit.csv")).get(0).startsWith("sequence,"));

        CliProcess bad = cli(null,"audit", "export", "--from", "yesterday", "--to", tomorrow, "--out",
                dir.resolve("x").toString(), "--data-dir", server.dataDir().toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.output().contains("--from 'yesterday' is not a date"), bad.output());
    }

    @Test
    @Order(5)
    void expiredPixelDataIsDeletedAndTheRecordsStay() throws Exception {
        String spooled = (String) server.query("SELECT spool_path FROM instance WHERE study_instance_uid = ?", study).get(0).get(0);
        assertTrue(Files.exists(server.dataDir().resolve(spooled)));
        RetentionSweeper sweeper = server.context().getBean(RetentionSweeper.class);
        assertEquals(0, sweeper.sweep(Instant.now()), "nothing is older than the retention period yet");
        assertEquals(1, sweeper.sweep(Instant.now().plusSeconds(3601)));
        assertFalse(Files.exists(server.dataDir().resolve(spooled)));
        assertEquals(410, send(Role.RADIOLOGIST, "GET", "/api/studies/" + study + "/preview.png", null).statusCode());
        assertEquals(200, send(Role.RADIOLOGIST, "GET", "/api/studies/" + study, null).statusCode(), "the study stays listed");
        assertRecorded("SYSTEM", "cxr-triage", "retention.purge", study);
        assertEquals(0, sweeper.sweep(Instant.now().plusSeconds(7200)), "each instance is purged once");
    }

    private void assertRecorded(String actorType, String actor, String action, String studyUid) throws Exception {
        long count = studyUid == null
                ? server.count("SELECT COUNT(*) FROM audit_record WHERE actor_type = ? AND actor = ? AND action = ?",
                        actorType, actor, action)
                : server.count("SELECT COUNT(*) FROM audit_record WHERE actor_type = ? AND actor = ? AND action = ?"
                        + " AND study_uid = ?", actorType, actor, action, studyUid);
        assertTrue(count >= 1, actorType + " " + actor + " " + action + " " + studyUid + " not recorded; log: "
                + server.query("SELECT sequence, actor_type, actor, action, study_uid FROM audit_record ORDER BY sequence"));
    }

    private HttpResponse<String> send(Role role, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = server.as(role, path).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A {@code ./cxr-triage} tool run against this test's server database. */
    private CliProcess cli(String stdin, String... args) throws Exception {
        return CliProcess.runWith(server.databaseEnvironment(), stdin, args);
    }
}
