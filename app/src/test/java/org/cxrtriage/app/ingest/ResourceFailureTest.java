package org.cxrtriage.app.ingest;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the server does when the database, the port or the disk is not there for it. */
class ResourceFailureTest {

    @TempDir
    Path dir;

    @Test
    void databaseDownMeansFailureStatusAndNothingKept() throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        Path data = dir.resolve("data");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "triage.data-dir", data.toString(),
                "triage.dicom.port", 0,
                "triage.spool.min-free-mb", 0,
                "datasources.default.url", postgres.getJdbcUrl("postgres", "postgres"),
                "datasources.default.username", "postgres",
                "datasources.default.password", "postgres",
                "datasources.default.connection-timeout", 2000))) {
            int port = server.getApplicationContext().getBean(DicomListener.class).scp().localPort();
            postgres.close();
            PhantomIdentity study = PhantomIdentity.newStudy();
            Path file = dir.resolve("in.dcm");
            Transcoder.write(IngestTest.phantom(study, 12), Encoding.EXPLICIT_LITTLE_ENDIAN, file);

            Dcmtk.StoreRun run = Dcmtk.store(port, "CXRTRIAGE", "PACS", List.of(file));

            assertEquals(0, run.successes(), run.output());
            assertTrue(run.files().get(0).status().startsWith("Error"), run.output());
            assertFalse(Files.exists(data.resolve("spool").resolve(study.studyInstanceUid())
                    .resolve(study.sopInstanceUid() + ".dcm")), "nothing left in the spool for an unacknowledged instance");
            assertEquals(0, Dcmtk.echo(port, "CXRTRIAGE", "PACS").exitCode(), "still serving associations");
        }
    }

    @Test
    void dicomPortInUseStopsStartupWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Exception failure = assertThrows(Exception.class, () -> ApplicationContext.run(EmbeddedServer.class, Map.of(
                    "micronaut.server.port", -1,
                    "triage.data-dir", dir.resolve("data").toString(),
                    "triage.dicom.port", taken.getLocalPort())));
            String messages = messagesOf(failure);
            assertTrue(messages.contains("cannot listen for DICOM") && messages.contains("TRIAGE_DICOM_PORT"), messages);
        }
    }

    @Test
    void healthReportsListenerDatabaseAndSpool() throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", -1,
                "triage.data-dir", dir.resolve("data").toString(),
                "triage.dicom.port", 0))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + server.getPort() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode(), response.body());
            String body = response.body();
            assertTrue(body.startsWith("{\"name\":\"cxr-triage\",\"status\":\"UP\""), body);
            assertTrue(body.contains("\"dicom\":{\"name\":\"cxr-triage\",\"status\":\"UP\""), body);
            assertTrue(body.contains("\"spool\":{\"name\":\"cxr-triage\",\"status\":\"UP\""), body);
            assertTrue(body.contains("\"jdbc\":{\"name\":\"cxr-triage\",\"status\":\"UP\""), body);
        }
    }

    private static String messagesOf(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
