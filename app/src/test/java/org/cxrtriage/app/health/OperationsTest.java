package org.cxrtriage.app.health;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the on-call engineer sees: DICOM traffic, queue depth, outcomes and latency buckets on
 * /prometheus; the backlog, the last triage and the last audit-chain check on /health; a job that
 * cannot store even its failure record stops being claimed and shows as stranded; and routine
 * FHIR 401/403 answers do not reach the error log. Against DCMTK, on H2 and PostgreSQL.
 */
class OperationsTest {

    @TempDir
    Path dir;

    private TriageServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void prometheusCountsDicomTrafficOutcomesAndQueueDepthAndHealthShowsTheBacklog() throws Exception {
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of());
        PhantomIdentity chest = PhantomIdentity.newStudy();
        PhantomIdentity pattern = PhantomIdentity.newStudy();
        Path chestFile = dir.resolve("chest.dcm");
        Path patternFile = dir.resolve("pattern.dcm");
        Transcoder.write(PhantomSpec.chestCr(chest, 1).withSize(512, 512), Encoding.EXPLICIT_LITTLE_ENDIAN, chestFile);
        Transcoder.write(PhantomSpec.chestCr(pattern, 2).withModality("OT").withBodyPart("").withSize(512, 512),
                Encoding.EXPLICIT_LITTLE_ENDIAN, patternFile);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(chestFile, patternFile)).allSucceeded(2));
        assertTrue(Dcmtk.echo(server.dicomPort(), "NOT-US", "PACS").exitCode() != 0, "a wrong called AE title is rejected");
        server.awaitCount(2, "SELECT COUNT(*) FROM worklist_item WHERE business_status IS NOT NULL");

        String metrics = body(Role.ADMIN, "/prometheus");
        assertEquals(1.0, value(metrics, "dicom_associations_total\\{outcome=\"released\"\\}"), metrics);
        assertEquals(1.0, value(metrics, "dicom_associations_total\\{outcome=\"rejected\"\\}"));
        assertEquals(2.0, value(metrics, "dicom_c_store_total\\{status=\"0x0000\"\\}"));
        long fileBytes = Files.size(chestFile) + Files.size(patternFile);
        double received = value(metrics, "dicom_received_bytes_total");
        assertTrue(received > 0.9 * fileBytes && received <= fileBytes, received + " data set bytes of " + fileBytes + " file bytes");
        assertEquals(1.0, value(metrics, "triage_studies_total\\{outcome=\"not-scored\",reason=\"not a chest radiograph\"\\}"));
        double scored = valueOrZero(metrics, "triage_studies_total\\{outcome=\"scored\",reason=\"\"\\}")
                + valueOrZero(metrics, "triage_studies_total\\{outcome=\"unreliable\",reason=\"unreliable\"\\}");
        assertEquals(1.0, scored, metrics);
        assertEquals(2.0, value(metrics, "triage_job_seconds_count"));
        assertEquals(2.0, value(metrics, "triage_job_seconds_bucket\\{le=\"60\\.0\"\\}"), "cumulative buckets up to 60 s");
        assertTrue(metrics.contains("triage_step_seconds_bucket{step=\"persist\",le=\"0.01\"}"), "step histograms have buckets");
        assertEquals(2.0, value(metrics, "triage_job_wait_seconds_count"), "each claimed job's wait in the queue is timed");
        double waited = value(metrics, "triage_job_wait_seconds_max");
        assertTrue(waited >= 0 && waited < 60, "a plausible queue wait: " + waited);
        assertEquals(0.0, value(metrics, "triage_jobs\\{state=\"queued\"\\}"));
        assertEquals(0.0, value(metrics, "triage_jobs\\{state=\"stranded\"\\}"));
        assertEquals(0.0, value(metrics, "triage_studies_receiving"));

        String health = body(Role.ADMIN, "/health");
        assertTrue(health.contains("\"jobsQueued\":0") && health.contains("\"strandedJobs\":0"), health);
        assertTrue(health.matches("(?s).*\"lastTriage\":\"\\d{4}-\\d\\d-\\d\\dT.*"), health);
        assertTrue(health.contains("\"auditChain\""), health);
    }

    @Test
    void routineFhirRefusalsAreNotLoggedAsErrors() throws Exception {
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of());
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        ch.qos.logback.classic.Logger hapi = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ca.uhn.fhir");
        events.start();
        hapi.addAppender(events);
        try {
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(server.uri("/fhir/Patient")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());
            HttpResponse<String> forbidden = http.send(server.as(Role.RADIOLOGIST, "/fhir/AuditEvent").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, forbidden.statusCode());
        } finally {
            hapi.detachAppender(events);
        }
        List<String> errors = events.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of(), errors, "a 401 or 403 is audited, not an error of the server");
    }

    /**
     * A request refused before its route runs gets the same JSON error whatever the route returns
     * (a record, an image, a list); the servlet engine used to encode it with the route's own writer
     * and fail with a stack trace in the error log.
     */
    @Test
    void refusalsAreJsonWhateverTheRouteReturns() throws Exception {
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of());
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(server.uri("/api/studies/1.2.3")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertEquals("{\"error\":\"sign in first\"}", anonymous.body());
        for (String path : List.of("/api/studies/1.2.3/preview.png", "/api/studies/1.2.3")) {
            HttpResponse<String> admin = http.send(server.as(Role.ADMIN, path).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, admin.statusCode(), path);
            assertEquals("application/json", admin.headers().firstValue("Content-Type").orElse(""), path);
            assertEquals("{\"error\":\"the role ADMIN does not allow this (WORKLIST_READ)\"}", admin.body(), path);
        }
    }

    @Test
    void aJobThatCannotStoreEvenItsFailureIsCappedAndShownAsStranded() throws Exception {
        server = TriageServer.start(Database.POSTGRES, dir.resolve("data"),
                Map.of("triage.workers.max-attempts", 2, "triage.workers.lease", "2s"));
        try (Connection connection = server.context().getBean(DataSource.class).getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE FUNCTION refuse_all_results() RETURNS trigger AS $$
                    BEGIN
                      RAISE EXCEPTION 'injected storage failure';
                    END $$ LANGUAGE plpgsql""");
            statement.execute("CREATE TRIGGER refuse BEFORE INSERT ON triage_result FOR EACH ROW EXECUTE FUNCTION refuse_all_results()");
        }
        PhantomIdentity study = PhantomIdentity.newStudy();
        Path file = dir.resolve("study.dcm");
        Transcoder.write(PhantomSpec.chestCr(study, 3).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1));

        int cap = 2 + 2;
        server.awaitCount(1, "SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ? AND attempts >= ?",
                study.studyInstanceUid(), cap);
        Thread.sleep(6_000); // three more lease periods: a job still claimed would be past the cap by now
        assertEquals(cap, ((Number) server.query("SELECT attempts FROM triage_job WHERE study_instance_uid = ?",
                study.studyInstanceUid()).get(0).get(0)).intValue(), "the job is claimed no more after the cap");

        String health = body(Role.ADMIN, "/health");
        assertTrue(health.startsWith("{\"name\":\"cxr-triage\",\"status\":\"DEGRADED\""), health);
        assertTrue(health.contains("\"strandedJobs\":1") && health.contains("README 'Stranded jobs'"), health);
        assertEquals(1.0, value(body(Role.ADMIN, "/prometheus"), "triage_jobs\\{state=\"stranded\"\\}"));
    }

    private String body(Role role, String path) throws Exception {
        HttpResponse<String> response = http.send(server.as(role, path).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() == 200 || response.statusCode() == 503, path + " " + response.statusCode());
        return response.body();
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(metrics);
        assertTrue(m.find(), "no series " + series);
        return Double.parseDouble(m.group(1));
    }

    private static double valueOrZero(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }
}
