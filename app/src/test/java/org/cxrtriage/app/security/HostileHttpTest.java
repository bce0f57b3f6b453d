package org.cxrtriage.app.security;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.RawHttp;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.chain.ChainVerifier;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacker's HTTP requests against a running server, each as it was sent, and what must come
 * of it: identifiers with control characters refused before they reach the audit log, oversized
 * headers, paths, names and parameters either audited or refused (never served unrecorded), no
 * data when the audit log cannot be written, refusals audited, security headers everywhere, no
 * server software named, bad numbers a 400, metrics closed and health details for administrators.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileHttpTest {

    private Path dir;
    private TriageServer server;
    private PhantomIdentity study;

    @BeforeAll
    void startWithOneStudy() throws Exception {
        dir = Files.createTempDirectory("hostile-http");
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of());
        study = PhantomIdentity.newStudy();
        Path file = dir.resolve("study.dcm");
        Transcoder.write(PhantomSpec.chestCr(study, 1).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1));
        server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?", study.studyInstanceUid());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void anIdentifierWithANewlineIsRefusedAndTheChainStaysIntact() throws Exception {
        String radiologist = server.basic(Role.RADIOLOGIST);
        for (String path : List.of("/api/studies/" + study.studyInstanceUid() + "%0A", "/api/studies/1.2.3%0Ax",
                "/fhir/Task/" + study.studyInstanceUid() + "%0A", "/fhir/Task?_id=1%0D%0A2", "/api/studies/%1B%5B2J")) {
            RawHttp.Response response = RawHttp.send(server.httpPort(), null,
                    RawHttp.get(path, "localhost", "Authorization: " + radiologist + "\r\n"));
            assertEquals(400, response.status(), path + ": " + response.body());
        }
        assertChainIntact();
    }

    @Test
    void oversizedHostHeadersPathsNamesAndParametersAreAuditedOrRefused() throws Exception {
        String radiologist = server.basic(Role.RADIOLOGIST);
        String compliance = server.basic(Role.COMPLIANCE);
        String longHost = "h".repeat(2100);
        String patientId = patientResourceId();
        List<String[]> requests = List.of(
                new String[] {"/fhir/Task", radiologist, "fhir.search"},
                new String[] {"/fhir/Patient/" + patientId, radiologist, "fhir.read"},
                new String[] {"/fhir/AuditEvent?_count=5", compliance, "audit.read"},
                new String[] {"/fhir/Task?status=" + "x".repeat(5000), radiologist, "fhir.search"},
                new String[] {"/fhir/Task/" + study.studyInstanceUid() + "?_elements=" + "y".repeat(3000), radiologist, "fhir.read"});
        for (String[] request : requests) {
            long before = server.count("SELECT COUNT(*) FROM audit_record WHERE action = ?", request[2]);
            RawHttp.Response response = RawHttp.send(server.httpPort(), null,
                    RawHttp.get(request[0], longHost, "Authorization: " + request[1] + "\r\n"));
            long after = server.count("SELECT COUNT(*) FROM audit_record WHERE action = ?", request[2]);
            if (response.status() == 200) {
                assertEquals(before + 1, after, "served, so audited: " + request[0].substring(0, Math.min(40, request[0].length())));
            } else {
                assertTrue(response.status() >= 400 && response.status() < 600, response.status() + " " + response.body());
            }
        }
        String longName = "n".repeat(500);
        String basic = "Basic " + Base64.getEncoder().encodeToString((longName + ":wrong-password-1").getBytes(StandardCharsets.UTF_8));
        RawHttp.Response wrong = RawHttp.send(server.httpPort(), null,
                RawHttp.get("/fhir/Task", longHost, "Authorization: " + basic + "\r\n"));
        assertEquals(401, wrong.status(), wrong.body());
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'login.failed' AND actor LIKE 'nnnn%'"));
        assertEquals(0, server.count("SELECT COUNT(*) FROM audit_record WHERE details LIKE '%hhhhhhhhhh%'"),
                "the Host header never reaches an audit record");
        assertChainIntact();
    }

    @Test
    void whenTheAuditLogCannotBeWrittenNoPatientDataIsShown() throws Exception {
        DataSource dataSource = server.context().getBean(DataSource.class);
        try (Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (PreparedStatement lock = blocker.prepareStatement("SELECT sequence FROM audit_head WHERE id = 1 FOR UPDATE")) {
                lock.executeQuery().close();
            }
            CompletableFuture<RawHttp.Response> fhir = CompletableFuture.supplyAsync(() -> send("/fhir/Task",
                    server.basic(Role.RADIOLOGIST)));
            CompletableFuture<RawHttp.Response> web = CompletableFuture.supplyAsync(() -> send("/api/worklist",
                    server.basic(Role.RADIOLOGIST)));
            RawHttp.Response fhirAnswer = fhir.get();
            RawHttp.Response webAnswer = web.get();
            blocker.rollback();

            assertEquals(503, fhirAnswer.status(), fhirAnswer.body());
            assertTrue(fhirAnswer.body().contains("OperationOutcome") && fhirAnswer.body().contains("audit log"), fhirAnswer.body());
            assertFalse(fhirAnswer.body().contains(study.studyInstanceUid()), "no Task was shown");
            assertEquals(503, webAnswer.status(), webAnswer.body());
            assertFalse(webAnswer.body().contains(study.studyInstanceUid()), "no worklist row was shown");
        }
        assertEquals(200, send("/fhir/Task", server.basic(Role.RADIOLOGIST)).status(), "served again once the log can be written");
    }

    @Test
    void refusalsAreAuditedWithTheAttemptedResource() throws Exception {
        assertEquals(403, send("/fhir/AuditEvent", server.basic(Role.RADIOLOGIST)).status());
        assertEquals(403, send("/api/worklist", server.basic(Role.ADMIN)).status());
        RawHttp.Response write = RawHttp.send(server.httpPort(), null, "PUT /fhir/Task/" + study.studyInstanceUid()
                + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + server.basic(Role.INTEGRATION)
                + "\r\nContent-Type: application/fhir+json\r\nContent-Length: 61\r\nConnection: close\r\n\r\n"
                + "{\"resourceType\":\"Task\",\"status\":\"completed\",\"intent\":\"order\"}");
        assertEquals(403, write.status(), write.body());

        for (String[] refusal : List.of(new String[] {"radiologist", "GET /fhir/AuditEvent"},
                new String[] {"admin", "GET /api/worklist"},
                new String[] {"integration", "PUT /fhir/Task/" + study.studyInstanceUid()})) {
            List<List<Object>> rows = server.query("SELECT outcome, source, resources FROM audit_record"
                    + " WHERE action = 'access.denied' AND actor = ? ORDER BY sequence DESC", refusal[0]);
            assertFalse(rows.isEmpty(), "a record of " + refusal[0] + "'s refusal");
            assertEquals("FAILURE", rows.get(0).get(0));
            assertEquals("127.0.0.1", rows.get(0).get(1));
            assertTrue(((String) rows.get(0).get(2)).contains(refusal[1]), rows.get(0).toString());
        }
        RawHttp.Response events = send("/fhir/AuditEvent?agent-name=radiologist", server.basic(Role.COMPLIANCE));
        assertTrue(events.body().contains("\"code\":\"110113\"") && events.body().contains("\"outcome\":\"4\""), events.body());
    }

    @Test
    void everyResponseCarriesSecurityHeadersAndNamesNoServerSoftware() throws Exception {
        for (String[] call : List.of(new String[] {"/", null}, new String[] {"/health", null}, new String[] {"/api/me", null},
                new String[] {"/fhir/metadata", null}, new String[] {"/fhir/Task", server.basic(Role.RADIOLOGIST)},
                new String[] {"/api/worklist", server.basic(Role.RADIOLOGIST)}, new String[] {"/nothing-here", null})) {
            RawHttp.Response response = send(call[0], call[1]);
            assertEquals(SecurityHeaders.CONTENT_SECURITY_POLICY, response.header("Content-Security-Policy"), call[0]);
            assertTrue(response.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
            assertEquals("nosniff", response.header("X-Content-Type-Options"), call[0]);
            assertEquals("DENY", response.header("X-Frame-Options"), call[0]);
            assertNull(response.header("X-Powered-By"), call[0]);
            String server = String.valueOf(response.header("Server"));
            assertFalse(server.contains("Tomcat") || server.contains("HAPI") || server.matches(".*\\d+\\.\\d+.*"), server);
            if (!call[0].equals("/")) {
                assertEquals("no-store", response.header("Cache-Control"), call[0]);
            }
        }
        RawHttp.Response malformed = RawHttp.send(server.httpPort(), null, "GET /%zz%/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(400, malformed.status());
        assertFalse(malformed.body().contains("Tomcat") || malformed.body().contains("Exception"), malformed.body());
        String page = send("/", null).body();
        assertFalse(page.contains("<script>") || page.matches("(?s).*\\son[a-z]+=.*"), "no inline script in the page");
    }

    @Test
    void aBadNumberIsTheClientsMistake() throws Exception {
        for (String score : List.of("gt-Infinity", "NaN", "lt1e9999999999", "ge0x10", "gt")) {
            RawHttp.Response response = send("/fhir/Task?triage-score=" + score, server.basic(Role.RADIOLOGIST));
            assertEquals(400, response.status(), score + ": " + response.body());
            assertTrue(response.body().contains("OperationOutcome"), response.body());
        }
    }

    @Test
    void metricsAreClosedAndHealthDetailsAreForAdministrators() throws Exception {
        assertEquals(401, send("/metrics", null).status());
        assertEquals(401, send("/prometheus", null).status());
        String anonymous = send("/health", null).body();
        for (String secret : List.of("\"url\"", "jdbc:", "\"sha256\"", "\"path\"", dir.toString())) {
            assertFalse(anonymous.contains(secret), secret + " in " + anonymous);
        }
        assertTrue(anonymous.contains("\"dicom\":{\"name\":\"cxr-triage\",\"status\":\"UP\""), anonymous);
        String admin = send("/health", server.basic(Role.ADMIN)).body();
        assertTrue(admin.contains("\"sha256\"") && admin.contains("jdbc:h2:"), admin);
        assertFalse(send("/health", server.basic(Role.RADIOLOGIST)).body().contains("\"sha256\""));
    }

    private String patientResourceId() throws Exception {
        RawHttp.Response task = send("/fhir/Task/" + study.studyInstanceUid(), server.basic(Role.RADIOLOGIST));
        String reference = task.body().replaceAll("(?s).*\"for\":\\{\"reference\":\"Patient/([^\"]+)\".*", "$1");
        assertNotNull(reference);
        return reference;
    }

    private RawHttp.Response send(String path, String authorization) {
        try {
            return RawHttp.send(server.httpPort(), null, RawHttp.get(path, "localhost:" + server.httpPort(),
                    authorization == null ? "" : "Authorization: " + authorization + "\r\n"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void assertChainIntact() throws Exception {
        ChainVerifier verifier = ChainVerifier.keepingGoing();
        new AuditLog(server.context().getBean(DataSource.class)).readAll(verifier::accept);
        ChainVerifier.Verdict verdict = verifier.verdict(Optional.empty());
        assertTrue(verdict.intact(), verdict.brokenRanges().toString());
    }
}
