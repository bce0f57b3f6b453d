package org.cxrtriage.app.bench;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.ServerProcess;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./cxr-triage bench e2e}: 32 associations push single-image chest studies at the same
 * time (each study in its own storescu run, so each has its own "last C-STORE response" time),
 * paced to a sustained aggregate rate (default 10 studies/s; {@code -Drate=0} pushes as fast as
 * possible to find the capacity); a FHIR client polls the worklist every 250 ms ({@code -DpollMillis}).
 * Prints the latency from the last C-STORE response to the scored Task (its meta.lastUpdated: when
 * the server committed it), minus the configured quiet period (p50, p95, p99), the same as the
 * polling client saw it, the studies per second achieved, the per-step timings and queue wait, and
 * the server's peak resident memory.
 */
public final class EndToEndBenchmark {

    /** A Task in a search answer: its id and, when the server stamped it, meta.lastUpdated. */
    private static final Pattern TASK = Pattern.compile(
            "\"resourceType\":\"Task\",\"id\":\"([0-9.]+)\"(?:,\"meta\":\\{[^}]*\"lastUpdated\":\"([^\"]+)\")?");

    /**
     * How often the FHIR client polls. Each search is real work for the server (authentication,
     * a database query, HAPI encoding), so a client polling 50 times a second takes a share of the
     * same two cores; latency is measured from meta.lastUpdated, which polling does not delay.
     */
    private static final long POLL_MILLIS = Long.getLong("pollMillis", 250);

    private EndToEndBenchmark() {
    }

    /** One run at one push rate: what was pushed, what failed, what became visible and how fast. */
    private record Run(double rate, int studies, int pushFailures, String firstFailure, int visible, double p50, double p95,
                       double p99, double max, double throughput, long peakRssMib) {
    }

    public static void main(String[] args) throws Exception {
        int associations = Integer.parseInt(System.getProperty("associations", "32"));
        int perAssociation = Integer.parseInt(System.getProperty("studies", "10"));
        List<Double> rates = java.util.Arrays.stream(System.getProperty("rate", "10").split(","))
                .map(String::trim).filter(r -> !r.isEmpty()).map(Double::parseDouble).toList();
        List<Run> runs = new ArrayList<>();
        for (double rate : rates) {
            runs.add(run(associations, perAssociation, rate));
        }
        boolean failed = runs.stream().anyMatch(r -> r.pushFailures() > 0 || r.visible() < r.studies() - r.pushFailures());
        if (runs.size() > 1) {
            System.out.println();
            System.out.println("rate (studies/s)  pushed  failed  visible  p95 ms  achieved studies/s  peak RSS MiB");
            for (Run r : runs) {
                System.out.printf("%16.1f  %6d  %6d  %7d  %6.0f  %18.1f  %12d%n", r.rate(), r.studies(), r.pushFailures(),
                        r.visible(), r.p95(), r.throughput(), r.peakRssMib());
            }
            Optional<Run> capacity = runs.stream().filter(r -> r.pushFailures() == 0 && r.visible() == r.studies() && r.p95() < 1000)
                    .max(java.util.Comparator.comparingDouble(Run::rate));
            System.out.println(capacity.map(r -> String.format("capacity: %.1f studies/s (the highest rate tried whose p95 stays"
                    + " under 1 s with nothing lost)", r.rate())).orElse("capacity: below every rate tried (p95 over 1 s or"
                    + " studies lost at each)"));
        }
        if (failed) {
            System.out.println("FAILED: some studies were not pushed or never became visible; the numbers above are not comparable");
            System.exit(1);
        }
    }

    private static Run run(int associations, int perAssociation, double rate) throws Exception {
        long quietMillis = 1000;
        Path work = Files.createTempDirectory("cxr-bench-e2e");
        List<List<Path>> batches = new ArrayList<>();
        List<String> allStudies = new ArrayList<>();
        Map<Path, String> studyOf = new ConcurrentHashMap<>();
        for (int a = 0; a < associations; a++) {
            List<Path> batch = new ArrayList<>();
            for (int s = 0; s < perAssociation; s++) {
                PhantomIdentity identity = PhantomIdentity.newStudy();
                Path file = work.resolve("study-" + a + "-" + s + ".dcm");
                Transcoder.write(PhantomSpec.chestCr(identity, a * 100L + s).withSize(512, 512), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
                batch.add(file);
                studyOf.put(file, identity.studyInstanceUid());
                allStudies.add(identity.studyInstanceUid());
            }
            batches.add(batch);
        }
        System.out.printf("pushing %d studies (512x512 16-bit CR) over %d concurrent associations, %s%n",
                allStudies.size(), associations, rate > 0 ? "paced to " + rate + " studies/s" : "as fast as possible");
        try (ServerProcess server = ServerProcess.start(work.resolve("data"),
                Map.of("TRIAGE_QUIET_PERIOD", quietMillis + "ms", "TRIAGE_ASSEMBLY_POLL", "200ms",
                        // every sender is on 127.0.0.1: let one address use all 32 slots
                        "TRIAGE_DICOM_MAX_ASSOCIATIONS_PER_ADDRESS", "32"), work.resolve("server.log")).withTestUsers(work.resolve("data"))) {
            Map<String, Long> pushed = new ConcurrentHashMap<>();
            Map<String, Long> visible = new ConcurrentHashMap<>();
            Map<String, Long> pushedAt = new ConcurrentHashMap<>();
            Map<String, Long> committedAt = new ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>("");
            String integration = TestUsers.basic(Role.INTEGRATION, work.resolve("data"));
            java.util.concurrent.atomic.AtomicInteger expected = new java.util.concurrent.atomic.AtomicInteger(allStudies.size());
            Thread poller = new Thread(() -> poll(server.httpPort(), integration, expected, visible, committedAt), "fhir-poller");
            poller.start();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(associations);
            for (int a = 0; a < batches.size(); a++) {
                List<Path> batch = batches.get(a);
                int association = a;
                pool.submit(() -> {
                    for (int s = 0; s < batch.size(); s++) {
                        Path file = batch.get(s);
                        if (rate > 0) {
                            long due = start + (long) ((s * associations + association) / rate * 1e9);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                        }
                        // A failed push is counted and reported; the association's other studies still go.
                        Optional<String> failure = storescu(server.dicomPort(), file);
                        if (failure.isPresent()) {
                            failures.incrementAndGet();
                            expected.decrementAndGet();
                            firstFailure.compareAndSet("", failure.get());
                        } else {
                            pushed.put(studyOf.get(file), System.nanoTime());
                            pushedAt.put(studyOf.get(file), System.currentTimeMillis());
                        }
                    }
                    return null;
                });
            }
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            poller.join(TimeUnit.MINUTES.toMillis(5));
            long end = visible.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
            double[] seen = allStudies.stream().filter(uid -> visible.containsKey(uid) && pushed.containsKey(uid))
                    .mapToDouble(uid -> (visible.get(uid) - pushed.get(uid)) / 1e6 - quietMillis).sorted().toArray();
            // The server's own latency: until the scored Task was committed (its meta.lastUpdated, same clock).
            double[] latencies = allStudies.stream().filter(uid -> committedAt.containsKey(uid) && pushedAt.containsKey(uid))
                    .mapToDouble(uid -> committedAt.get(uid) - pushedAt.get(uid) - quietMillis).sorted().toArray();
            System.out.printf("storescu failures: %d of %d pushes%s%n", failures.get(), allStudies.size(),
                    failures.get() == 0 ? "" : " (first: " + firstFailure.get() + ")");
            System.out.printf("scored Tasks visible over FHIR: %d of %d pushed%n", latencies.length, pushed.size());
            double max = latencies.length == 0 ? Double.NaN : latencies[latencies.length - 1];
            System.out.printf("latency to the scored Task (its meta.lastUpdated) after the quiet period (%d ms), ms:"
                    + " p50 %.0f  p95 %.0f  p99 %.0f  max %.0f%n", quietMillis, pct(latencies, 50), pct(latencies, 95),
                    pct(latencies, 99), max);
            System.out.printf("  as seen by a FHIR client polling every %d ms: p50 %.0f  p95 %.0f  p99 %.0f%n",
                    POLL_MILLIS, pct(seen, 50), pct(seen, 95), pct(seen, 99));
            double throughput = latencies.length / ((end - start) / 1e9);
            System.out.printf("throughput: %.1f studies/s (%d studies in %.1f s, first push to last visible)%n",
                    throughput, latencies.length, (end - start) / 1e9);
            long rss = server.peakRssMib();
            System.out.printf("server peak resident memory: %d MiB%n", rss);
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.httpPort() + "/prometheus")).header("Authorization", integration).build(), HttpResponse.BodyHandlers.ofString()).body();
            metrics.lines().filter(line -> line.matches("(triage_step|triage_job|triage_job_wait|triage_monitor_evaluation)_seconds_(sum|count|max).*"))
                    .forEach(line -> System.out.println("  " + line));
            return new Run(rate, allStudies.size(), failures.get(), firstFailure.get(), latencies.length, pct(latencies, 50),
                    pct(latencies, 95), pct(latencies, 99), max, throughput, rss);
        }
    }

    /** Pushes one file; empty on success, else storescu's last line of output. */
    private static Optional<String> storescu(int port, Path file) throws Exception {
        Process process = new ProcessBuilder("storescu", "-aec", "CXRTRIAGE", "-aet", "BENCH", "127.0.0.1",
                Integer.toString(port), file.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
            return Optional.of("exit " + process.exitValue() + (lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1)));
        }
        return Optional.empty();
    }

    /** Records when each study's Task first appears as scored or not scored in the FHIR worklist. */
    private static void poll(int httpPort, String authorization, java.util.concurrent.atomic.AtomicInteger expected,
                             Map<String, Long> visible, Map<String, Long> committedAt) {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        java.time.Instant since = java.time.Instant.now().minusSeconds(5);
        while (visible.size() < expected.get() && System.nanoTime() < deadline) {
            try {
                java.time.Instant asked = java.time.Instant.now();
                URI uri = URI.create("http://127.0.0.1:" + httpPort + "/fhir/Task?_count=1000&modified=ge"
                        + java.time.format.DateTimeFormatter.ISO_INSTANT.format(since.minusSeconds(2)));
                String body = client.send(HttpRequest.newBuilder(uri).header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString()).body();
                since = asked;
                long now = System.nanoTime();
                Matcher matcher = TASK.matcher(body);
                while (matcher.find()) {
                    if (visible.putIfAbsent(matcher.group(1), now) == null && matcher.group(2) != null) {
                        committedAt.put(matcher.group(1), java.time.OffsetDateTime.parse(matcher.group(2)).toInstant().toEpochMilli());
                    }
                }
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                System.out.println("FHIR poll failed, trying again: " + e);
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
    }

    private static double pct(double[] sorted, double percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
