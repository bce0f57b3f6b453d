package org.cxrtriage.app.security;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.RawHttp;
import org.cxrtriage.app.support.TriageServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an unauthenticated client (or one authenticated user) could do to the HTTP side and what
 * must hold: slow-body sign-ins do not stall health checks or FHIR, huge bodies are refused
 * before they fill the heap, and a flood of throttled sign-ins adds a bounded number of audit
 * records (the rest counted in summaries, none lost).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpExhaustionTest {

    private TriageServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("http-exhaustion");
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of("triage.audit.refusal-window", "2s"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void slowBodySignInsDoNotStallHealthOrFhir() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 220; i++) {
                Socket socket = RawHttp.connect(server.httpPort(), null);
                socket.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 200\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            long end = System.nanoTime() + Duration.ofSeconds(14).toNanos();
            int checks = 0;
            while (System.nanoTime() < end) {
                for (Socket socket : slow) {
                    trickle(socket);
                }
                for (String path : List.of("/health", "/fhir/metadata")) {
                    long started = System.nanoTime();
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri(path))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, response.statusCode(), path);
                    assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos(), path + " answered late");
                    checks++;
                }
                Thread.sleep(1000);
            }
            assertTrue(checks >= 10);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void aHundredMegabyteTaskIsRefusedBeforeItIsRead() throws Exception {
        long before = usedHeap();
        try (Socket socket = RawHttp.connect(server.httpPort(), null)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /fhir/Task/1.2.3 HTTP/1.1\r\nHost: x\r\nAuthorization: " + server.basic(Role.RADIOLOGIST)
                    + "\r\nContent-Type: application/fhir+json\r\nContent-Length: 100000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]);
            out.flush();
            RawHttp.Response answer = RawHttp.read(socket.getInputStream());
            assertEquals(413, answer.status(), answer.body());
            assertTrue(answer.body().contains("OperationOutcome"), answer.body());
        }
        try (Socket socket = RawHttp.connect(server.httpPort(), null)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /fhir/Task/1.2.3 HTTP/1.1\r\nHost: x\r\nAuthorization: " + server.basic(Role.RADIOLOGIST)
                    + "\r\nContent-Type: application/fhir+json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("8000\r\n" + "{".repeat(0x8000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            RawHttp.Response answer = null;
            for (int i = 0; i < 3200 && answer == null; i++) {
                try {
                    out.write(chunk);
                } catch (IOException refusedMidway) {
                    answer = RawHttp.read(socket.getInputStream());
                }
            }
            if (answer == null) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                answer = RawHttp.read(socket.getInputStream());
            }
            assertEquals(413, answer.status(), answer.body());
        }
        assertTrue(usedHeap() - before < 50L * 1024 * 1024, "the bodies never reached the heap");
    }

    @Test
    void aFloodOfThrottledSignInsAddsFewAuditRecordsAndLosesNone() throws Exception {
        long before = server.count("SELECT COUNT(*) FROM audit_record");
        int attempts = 3000;
        for (int i = 0; i < attempts; i++) {
            RawHttp.Response response = RawHttp.send(server.httpPort(), "127.0.0.3", "POST /api/login HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 40\r\nConnection: close\r\n\r\n"
                    + "{\"user\":\"flood\",\"password\":\"guess-0000\"}");
            assertTrue(response.status() == 401 || response.status() == 429, Integer.toString(response.status()));
        }
        Thread.sleep(5000); // the last window closes and its summary is written
        long added = server.count("SELECT COUNT(*) FROM audit_record") - before;
        assertTrue(added < 200, added + " audit records for " + attempts + " refused sign-ins");
        long individual = server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'login.failed' AND source = '127.0.0.3'");
        long counted = 0;
        Pattern count = Pattern.compile("^(\\d+) further refusal");
        for (List<Object> row : server.query("SELECT details FROM audit_record WHERE action = 'access.refusals'"
                + " AND source = '127.0.0.3'")) {
            Matcher matcher = count.matcher((String) row.get(0));
            assertTrue(matcher.find(), (String) row.get(0));
            counted += Long.parseLong(matcher.group(1));
        }
        assertEquals(attempts, individual + counted, "every refusal is a record or counted in a summary");
    }

    private static void trickle(Socket socket) {
        try {
            socket.getOutputStream().write(' ');
            socket.getOutputStream().flush();
        } catch (IOException closedByTheServer) {
            // refused or timed out: what we want
        }
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
