package org.cxrtriage.testdata;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real PACS for tests: Debian's Orthanc ({@code /usr/sbin/Orthanc}, package {@code orthanc})
 * started with its own JSON configuration, storage and index in a directory, on free HTTP and DICOM
 * ports, without plugins, authentication or remote access. {@link #start} returns once Orthanc
 * answers HTTP; {@link #close} stops it.
 *
 * <pre>
 * try (Orthanc pacs = Orthanc.configure(dir).modality("cxr", "CXRTRIAGE", "127.0.0.1", port).start()) {
 *     String id = pacs.upload(file);
 *     pacs.post("/modalities/cxr/store", "[\"" + id + "\"]");
 * }
 * </pre>
 */
public final class Orthanc implements AutoCloseable {

    public static final String BINARY = "/usr/sbin/Orthanc";
    private static final Pattern ID = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path dir;
    private final String aeTitle;
    private final int httpPort;
    private final int dicomPort;

    private Orthanc(Process process, Path dir, String aeTitle, int httpPort, int dicomPort) {
        this.process = process;
        this.dir = dir;
        this.aeTitle = aeTitle;
        this.httpPort = httpPort;
        this.dicomPort = dicomPort;
    }

    /** Starts describing an Orthanc whose files all live under {@code dir}. */
    public static Config configure(Path dir) {
        return new Config(dir);
    }

    /** What to start: AE title, known modalities and any other Orthanc option. */
    public static final class Config {
        private final Path dir;
        private String aeTitle = "ORTHANC";
        private int dicomPort;
        private final Map<String, String> modalities = new LinkedHashMap<>();
        private final Map<String, String> options = new LinkedHashMap<>();

        private Config(Path dir) {
            this.dir = dir;
        }

        public Config aeTitle(String title) {
            this.aeTitle = title;
            return this;
        }

        /**
         * Listens for DICOM on this port rather than a free one: to start Orthanc where a sender
         * already expects it (a PACS that comes up late), or to start it again after {@link #close}.
         */
        public Config dicomPort(int port) {
            this.dicomPort = port;
            return this;
        }

        /** A DICOM peer Orthanc may push to (and accepts associations from) under {@code name}. */
        public Config modality(String name, String peerAeTitle, String host, int port) {
            modalities.put(name, "[ " + quote(peerAeTitle) + ", " + quote(host) + ", " + port + " ]");
            return this;
        }

        /** Any other configuration option, its value as JSON, e.g. {@code option("DicomCheckCalledAet", "true")}. */
        public Config option(String name, String jsonValue) {
            options.put(name, jsonValue);
            return this;
        }

        public Orthanc start() throws IOException, InterruptedException {
            Files.createDirectories(dir);
            int httpPort = freePort();
            int dicomPort = this.dicomPort > 0 ? this.dicomPort : freePort();
            StringBuilder json = new StringBuilder("{\n");
            json.append("  \"Name\": \"test-pacs\",\n");
            json.append("  \"StorageDirectory\": ").append(quote(dir.resolve("storage").toString())).append(",\n");
            json.append("  \"IndexDirectory\": ").append(quote(dir.resolve("index").toString())).append(",\n");
            json.append("  \"HttpPort\": ").append(httpPort).append(",\n");
            json.append("  \"DicomPort\": ").append(dicomPort).append(",\n");
            json.append("  \"DicomAet\": ").append(quote(aeTitle)).append(",\n");
            json.append("  \"RemoteAccessAllowed\": false,\n  \"AuthenticationEnabled\": false,\n  \"Plugins\": [],\n");
            options.forEach((name, value) -> json.append("  ").append(quote(name)).append(": ").append(value).append(",\n"));
            json.append("  \"DicomModalities\": {");
            List<String> entries = new ArrayList<>();
            modalities.forEach((name, value) -> entries.add(" " + quote(name) + ": " + value));
            json.append(String.join(",", entries)).append(" }\n}\n");
            Path config = dir.resolve("orthanc.json");
            Files.writeString(config, json);
            Process process = new ProcessBuilder(BINARY, config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("orthanc.log").toFile()).start();
            Orthanc orthanc = new Orthanc(process, dir, aeTitle, httpPort, dicomPort);
            orthanc.awaitHttp();
            return orthanc;
        }
    }

    public String aeTitle() {
        return aeTitle;
    }

    public int httpPort() {
        return httpPort;
    }

    public int dicomPort() {
        return dicomPort;
    }

    /** Orthanc's own log, for assertion messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("orthanc.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Uploads a DICOM file over REST ({@code POST /instances}); returns Orthanc's instance ID. */
    public String upload(Path file) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/instances"))
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build());
        if (response.statusCode() != 200) {
            throw new IOException("Orthanc refused " + file + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return firstId(response.body()).orElseThrow(() -> new IOException("no instance ID in " + response.body()));
    }

    /** Orthanc's ID of the instance with this SOP Instance UID, if Orthanc has it. */
    public Optional<String> instanceId(String sopInstanceUid) throws IOException, InterruptedException {
        String body = post("/tools/lookup", sopInstanceUid).body();
        Matcher match = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"[^}]*\"Type\"\\s*:\\s*\"Instance\"").matcher(body);
        return match.find() ? Optional.of(match.group(1)) : Optional.empty();
    }

    /** The stored Part 10 file of an instance ({@code GET /instances/{id}/file}). */
    public byte[] instanceFile(String instanceId) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri("/instances/" + instanceId + "/file")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("GET /instances/" + instanceId + "/file: HTTP " + response.statusCode());
        }
        return response.body();
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).build());
    }

    public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The string value of a top-level field of a JSON object, e.g. {@code "ParentStudy"}. */
    public static Optional<String> field(String json, String name) {
        Matcher match = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return match.find() ? Optional.of(match.group(1)) : Optional.empty();
    }

    /** The strings of a top-level array field of a JSON object, e.g. a series' {@code "Instances"}. */
    public static List<String> arrayField(String json, String name) {
        Matcher array = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\\[([^]]*)]").matcher(json);
        List<String> values = new ArrayList<>();
        if (array.find()) {
            Matcher value = Pattern.compile("\"([^\"]*)\"").matcher(array.group(1));
            while (value.find()) {
                values.add(value.group(1));
            }
        }
        return values;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private void awaitHttp() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Orthanc exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (get("/system").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        close();
        throw new IOException("Orthanc did not answer within " + START_TIMEOUT.toSeconds() + " s:\n" + log());
    }

    /** A fresh client per request: Orthanc may close a kept-alive connection the client would reuse. */
    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    private static Optional<String> firstId(String json) {
        Matcher id = ID.matcher(json);
        return id.find() ? Optional.of(id.group(1)) : Optional.empty();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
