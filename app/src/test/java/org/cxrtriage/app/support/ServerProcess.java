package org.cxrtriage.app.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/**
 * The server in its own JVM, started like the launcher does (main class, environment variables),
 * so a test can kill it with SIGKILL and start it again on the same data directory.
 */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final int dicomPort;
    private final int httpPort;

    private ServerProcess(Process process, int dicomPort, int httpPort) {
        this.process = process;
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
    }

    public static ServerProcess start(Path dataDir, Map<String, String> environment, Path log) throws Exception {
        int dicomPort = freePort();
        int httpPort = freePort();
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "org.cxrtriage.app.Application");
        builder.environment().put("TRIAGE_DATA_DIR", dataDir.toString());
        builder.environment().put("TRIAGE_DICOM_PORT", Integer.toString(dicomPort));
        builder.environment().put("TRIAGE_HTTP_PORT", Integer.toString(httpPort));
        builder.environment().put("TRIAGE_SPOOL_MIN_FREE_MB", "0");
        builder.environment().put("TRIAGE_QUIET_PERIOD", "1s");
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        ServerProcess server = new ServerProcess(builder.start(), dicomPort, httpPort);
        try {
            server.awaitHealthy();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "; server log:\n" + java.nio.file.Files.readString(log), e);
        }
        return server;
    }

    /** Adds the test users (see {@link TestUsers}) to this server's H2 database while it runs. */
    public ServerProcess withTestUsers(Path dataDir) throws Exception {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL(org.cxrtriage.app.config.DefaultDatabaseUrl.h2Url(dataDir));
        h2.setUser("sa");
        TestUsers.addTo(h2);
        return this;
    }

    public int dicomPort() {
        return dicomPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public long pid() {
        return process.pid();
    }

    /** VmHWM of the server process, in MiB. */
    public long peakRssMib() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    /** SIGKILL: no shutdown hooks, no flushing, like a power cut for the process. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private void awaitHealthy() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + " during start-up");
            }
            try {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("server not healthy within 60 s");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
