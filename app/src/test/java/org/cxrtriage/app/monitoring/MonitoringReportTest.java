package org.cxrtriage.app.monitoring;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./cxr-triage monitor report} as a governance committee's secretary runs it, in its own JVM
 * against a running server's database: in-distribution and inverted studies, feedback with reasons,
 * an alarm an administrator acknowledged. The report says what the database says, carries no patient
 * data, needs nothing from elsewhere to open, and refuses bad input with the fix.
 */
class MonitoringReportTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    record Run(int exitCode, String output) {
    }

    @Test
    void reportOfTheDayShowsVolumesFeedbackCalibrationAndTheAcknowledgedAlarmWithoutPatientData() throws Exception {
        try (TriageServer server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of("triage.monitor.min-studies", 5,
                "triage.monitor.unreliable-alarm", 0.1, "triage.monitor.stop-rule", "suspend", "triage.monitor.poll", "1s"))) {
            List<Path> files = new ArrayList<>();
            List<PythonPhantoms.Study> studies = PythonPhantoms.inDistribution(dir, "studies", 8, 2203);
            studies.subList(0, 5).forEach(study -> files.add(study.file()));
            List<String> invert = new ArrayList<>(List.of(Path.of("src", "test", "resources", "monitoring", "invert.py")
                    .toAbsolutePath().toString(), "--out", dir.resolve("inverted").toString()));
            studies.subList(5, 8).forEach(study -> invert.add(study.file().toString()));
            PythonPhantoms.run(invert.toArray(String[]::new));
            try (var inverted = Files.list(dir.resolve("inverted"))) {
                files.addAll(inverted.sorted().toList());
            }
            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", files).allSucceeded(8));
            server.awaitCount(8, "SELECT COUNT(*) FROM worklist_item");
            List<Long> findings = server.query("SELECT f.id FROM finding_result f JOIN triage_result r ON r.id = f.result_id"
                    + " WHERE r.shadow = FALSE ORDER BY f.id").stream().map(row -> ((Number) row.get(0)).longValue()).toList();
            assertEquals(200, post(server, Role.RADIOLOGIST, "/api/findings/" + findings.get(0) + "/feedback", "{\"agree\":true}"));
            assertEquals(200, post(server, Role.RADIOLOGIST, "/api/findings/" + findings.get(1) + "/feedback",
                    "{\"agree\":false,\"reason\":\"false-positive\"}"));
            assertEquals(200, post(server, Role.RADIOLOGIST, "/api/findings/" + findings.get(2) + "/feedback",
                    "{\"agree\":false,\"reason\":\"missed-finding\"}"));
            server.awaitCount(1, "SELECT COUNT(*) FROM monitor_status WHERE status = 'alarm'");
            assertEquals(200, post(server, Role.ADMIN, "/api/monitoring/acknowledge",
                    "{\"reason\":\"inverted test images <from a PACS test run>; removed\"}"));

            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            Path report = dir.resolve("report.html");
            Run run = cli(server, "monitor", "report", "--from", today.toString(), "--to", today.plusDays(1).toString(),
                    "--out", report.toString(), "--data-dir", server.dataDir().toString());
            assertEquals(0, run.exitCode(), run.output());
            assertTrue(run.output().contains("monitor report") && run.output().contains("wrote " + report), run.output());
            String html = Files.readString(report);
            Files.copy(report, Files.createDirectories(Path.of("target", "reports")).resolve("monitoring-report.html"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            assertFalse(html.contains("<script") || html.contains("src=") || html.contains("href=") || html.contains("url("),
                    "self-contained: nothing to fetch or run");
            assertFalse(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "").contains("http"), "no outside address");
            for (List<Object> study : server.query("SELECT patient_name, patient_id, study_instance_uid, accession_number FROM study")) {
                for (Object value : study) {
                    assertTrue(value == null || value.toString().isBlank() || !html.contains(value.toString()),
                            "no patient data or study UID in the report: " + value);
                }
            }
            for (List<Object> route : server.query("SELECT business_status, COUNT(*) FROM worklist_item GROUP BY business_status")) {
                assertTrue(html.contains("<tr><td>" + route.get(0) + "</td><td class=\"n\">" + route.get(1) + "</td></tr>"),
                        "routing " + route + " in the report");
            }
            List<Object> model = server.query("SELECT model_id, model_version, COUNT(*) FROM triage_result"
                    + " WHERE shadow = FALSE AND status = 'SCORED' GROUP BY model_id, model_version").get(0);
            assertTrue(html.contains("<td>" + model.get(0) + "</td><td>" + model.get(1) + "</td><td>active</td>"), "model in use");
            assertTrue(html.contains("false-positive 1") && html.contains("missed-finding 1"), "reasons given with Disagree");
            assertTrue(count(html, "<svg") >= 4, "charts drawn inline");
            assertTrue(Pattern.compile("Reliability diagram.*?<circle", Pattern.DOTALL).matcher(html).find(), "calibration drawn");
            assertTrue(html.contains("Alarm raised") && html.contains("acknowledged"), "the alarm and its acknowledgement");
            assertTrue(html.contains("inverted test images &lt;from a PACS test run&gt;; removed"), "the reason, escaped");
            assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'monitor.report'"), "the report is audited");
            assertTrue(html.contains("<td>manufacturer</td>") && html.contains("<td>calling AE title</td><td>PACS</td>"), "subgroups");
        }
    }

    @Test
    void badInputGetsAClearAnswer() throws Exception {
        Run backwards = cli(null, "monitor", "report", "--from", "2026-12-02", "--to", "2026-12-01", "--out", dir.resolve("r.html").toString(),
                "--data-dir", dir.toString());
        assertEquals(2, backwards.exitCode(), backwards.output());
        assertTrue(backwards.output().contains("must be after --from"), backwards.output());
        Run notADay = cli(null, "monitor", "report", "--from", "last month", "--to", "2026-12-01", "--out", dir.resolve("r.html").toString());
        assertEquals(2, notADay.exitCode(), notADay.output());
        assertTrue(notADay.output().contains("'last month' is not a day like 2026-11-01"), notADay.output());
        Run noFolder = cli(null, "monitor", "report", "--from", "2026-11-01", "--to", "2026-12-01", "--out",
                dir.resolve("missing").resolve("r.html").toString(), "--data-dir", dir.toString());
        assertEquals(2, noFolder.exitCode(), noFolder.output());
        assertTrue(noFolder.output().contains("its folder does not exist"), noFolder.output());
        Run noDatabase = cli(null, "monitor", "report", "--from", "2026-11-01", "--to", "2026-12-01", "--out",
                dir.resolve("r.html").toString(), "--data-dir", dir.resolve("no-data").toString());
        assertEquals(2, noDatabase.exitCode(), noDatabase.output());
        assertTrue(noDatabase.output().contains("no cxr-triage database in"), noDatabase.output());
        assertFalse(Files.exists(dir.resolve("r.html")));
    }

    private int post(TriageServer server, Role role, String path, String json) throws Exception {
        HttpResponse<String> response = http.send(server.as(role, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    private Run cli(TriageServer server, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.cxrtriage.app.cli.TriageCli"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("TRIAGE_DB_URL");
        if (server != null) {
            builder.environment().putAll(server.databaseEnvironment());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the report finished");
        return new Run(process.exitValue(), output);
    }

    private static int count(String text, String part) {
        Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }
}
