package org.cxrtriage.app.triage;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ServerProcess;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Triage never stops silently. An image too large for the heap raises OutOfMemoryError in a
 * worker (before, that ended both worker threads: studies were acknowledged and never triaged
 * while /health said UP); now the job fails into "not scored: error" and the next study is
 * triaged. A worker thread that ends anyway is restarted and counted on /health.
 */
class WorkerSurvivalTest {

    @TempDir
    Path dir;

    private static final String HUGE = """
            import sys, pydicom
            ds = pydicom.dcmread(sys.argv[1])
            ds.Rows = ds.Columns = 12000
            ds.BitsAllocated = 16
            ds.BitsStored = 12
            ds.HighBit = 11
            ds.PixelRepresentation = 0
            ds.SamplesPerPixel = 1
            ds.PixelData = bytes(12000 * 12000 * 2)
            ds.save_as(sys.argv[2], write_like_original=True)
            """;

    @Test
    void anImageTooLargeForTheHeapFailsItsJobAndTheWorkersLiveOn() throws Exception {
        Path data = dir.resolve("data");
        Path huge = hugeImage();
        PhantomIdentity normal = PhantomIdentity.newStudy();
        Path next = dir.resolve("next.dcm");
        Transcoder.write(PhantomSpec.chestCr(normal, 2).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, next);

        try (ServerProcess server = ServerProcess.start(data, Map.of("TRIAGE_WORKERS", "1", "TRIAGE_JOB_ATTEMPTS", "2"),
                dir.resolve("server.log")).withTestUsers(data)) {
            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(huge)).allSucceeded(1));
            String hugeStudy = studyUidOf(huge);
            String task = awaitTask(server, data, hugeStudy);
            assertTrue(task.contains("error: OutOfMemoryError"), task);

            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(next)).allSucceeded(1));
            String nextTask = awaitTask(server, data, normal.studyInstanceUid());
            assertTrue(nextTask.contains("\"status\":\"ready\""), "the worker lived on and triaged the next study: " + nextTask);
            String health = get(server, "/health", TestUsers.basic(Role.ADMIN, data)).body();
            assertTrue(health.startsWith("{\"name\":\"cxr-triage\",\"status\":\"UP\""), health);
            assertTrue(health.contains("\"triageWorkers\":{\"name\":\"cxr-triage\",\"status\":\"UP\""), health);
        }
        assertTrue(Files.readString(dir.resolve("server.log")).contains("listed as not scored: OutOfMemoryError"));
    }

    @Test
    void aWorkerThreadThatEndsIsRestartedAndCounted() throws Exception {
        try (TriageServer server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of())) {
            Thread worker = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals("triage-worker-0")).findFirst().orElseThrow();
            worker.interrupt();
            worker.join(5000);
            JobWorker workers = server.context().getBean(JobWorker.class);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (workers.state().restarts() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            JobWorker.WorkerState state = workers.state();
            assertEquals(1, state.restarts());
            assertEquals(state.configured(), state.alive());
            String health = HttpClient.newHttpClient().send(server.as(Role.ADMIN, "/health").build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(health.contains("\"restarts\":1"), health);

            PhantomIdentity study = PhantomIdentity.newStudy();
            Path file = dir.resolve("after-restart.dcm");
            Transcoder.write(PhantomSpec.chestCr(study, 5).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1));
            server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?", study.studyInstanceUid());
        }
    }

    /**
     * The interrupt can land inside the database driver, which may clear the thread's flag and throw
     * its own exception around it; the worker must still end (to be restarted), whatever the wrapping.
     */
    @Test
    void anInterruptionWrappedByTheDriverStillEndsTheWorker() {
        assertTrue(JobWorker.interruption(new java.sql.SQLException("interrupted", new InterruptedException())));
        assertTrue(JobWorker.interruption(new RuntimeException(new java.sql.SQLException("channel",
                new java.nio.channels.ClosedByInterruptException()))));
        assertTrue(JobWorker.interruption(new java.io.UncheckedIOException(new java.io.InterruptedIOException())));
        assertTrue(!JobWorker.interruption(new java.sql.SQLException("connection refused", "08001")),
                "an unreachable database is not an interruption: the worker waits and tries again");
    }

    private Path hugeImage() throws Exception {
        Path template = dir.resolve("template.dcm");
        Transcoder.write(PhantomSpec.chestCr(PhantomIdentity.newStudy(), 1).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN,
                template);
        Path huge = dir.resolve("huge.dcm");
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", HUGE, template.toString(), huge.toString())
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes());
        assertTrue(python.waitFor(120, TimeUnit.SECONDS) && python.exitValue() == 0, output);
        return huge;
    }

    private static String studyUidOf(Path file) throws Exception {
        com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
        list.read(file.toFile(), com.pixelmed.dicom.TagFromName.PixelData);
        return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list, com.pixelmed.dicom.TagFromName.StudyInstanceUID);
    }

    private static String awaitTask(ServerProcess server, Path data, String studyUid) throws Exception {
        for (int i = 0; i < 600; i++) {
            HttpResponse<String> task = get(server, "/fhir/Task/" + studyUid, TestUsers.basic(Role.RADIOLOGIST, data));
            if (task.statusCode() == 200) {
                return task.body();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no Task for " + studyUid + " within 120 s");
    }

    private static HttpResponse<String> get(ServerProcess server, String path, String authorization) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString());
    }
}
