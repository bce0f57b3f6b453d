package org.cxrtriage.app.triage.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.CliProcess;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The site-calibration path to activation, with the real tools: {@code calibrate} on labelled
 * phantoms writes {@code <base>+cal.<stamp>} and its report, {@code model install} takes that
 * folder, and {@code model stage ... active} accepts it without a single shadow study, naming the
 * site calibration as its evidence (command output, model_version_event, AuditEvent). A calibration
 * run at a lowered target on labels the model often misses is refused, saying what is missing.
 */
class SiteCalibrationEvidenceTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aSiteCalibratedVersionIsActivatedWithoutShadowStudiesAndOneBelowTargetIsRefused() throws Exception {
        Path images = phantoms();
        Path good = calibrate(images, images.resolve("labels.csv"), dir.resolve("cal-good"));
        Path weak = calibrate(images, noisyLabels(images.resolve("labels.csv")), dir.resolve("cal-weak"),
                "--target-sensitivity", "0.80");
        String goodVersion = version(good);
        String weakVersion = version(weak);
        assertTrue(goodVersion.contains("+cal.") && weakVersion.contains("+cal."), goodVersion + " " + weakVersion);

        try (TriageServer server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of("triage.rollout.poll", "500ms"))) {
            assertEquals(0, cli(server, "model", "install", good.toString()).exitCode());
            assertEquals(0, cli(server, "model", "install", weak.toString()).exitCode());
            String list = cli(server, "model", "list").output();
            assertFalse(line(list, goodVersion).contains("not calibrated at this site"), list);
            String shipped = (String) server.query("SELECT version FROM model_version WHERE state = 'active'").get(0).get(0);
            assertTrue(line(list, shipped + " ").contains("not calibrated at this site"), "the vendor's calibration is not: " + list);

            CliProcess refused = cli(server, "model", "stage", "cxr-reference", weakVersion, "active", "--reason",
                    "recalibrated for fewer false alarms");
            assertEquals(1, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("too little evidence") && refused.output().contains("BELOW TARGET: at least"
                    + " 0.930 needed") && refused.output().contains("0 studies scored beside the active version"),
                    refused.output());

            CliProcess accepted = cli(server, "model", "stage", "cxr-reference", goodVersion, "active", "--reason",
                    "calibrated on 80 labelled local studies");
            assertEquals(0, accepted.exitCode(), accepted.output());
            String stamp = goodVersion.substring(goodVersion.indexOf("+cal.") + 1);
            assertTrue(accepted.output().contains("evidence: site calibration " + stamp + ": ")
                    && accepted.output().contains("0 studies scored beside the active version")
                    && !accepted.output().contains("FORCED"), accepted.output());
            String evidence = (String) server.query("SELECT evidence FROM model_version_event WHERE version = ?"
                    + " AND to_state = 'active'", goodVersion).get(0).get(0);
            assertTrue(evidence.startsWith("site calibration " + stamp + ": ") && !evidence.contains("BELOW"), evidence);

            ModelVersion active = server.context().getBean(ModelRollout.class).find("cxr-reference", goodVersion).orElseThrow();
            String events = http.send(server.as(Role.COMPLIANCE, "/fhir/AuditEvent?entity=" + ModelRollout.device(active)
                    + "&_count=100").header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(events.contains("available -> active") && events.contains("evidence: site calibration " + stamp),
                    events);
            assertEquals("active", server.query("SELECT state FROM model_version WHERE version = ?", goodVersion).get(0).get(0));
            System.out.println("site calibration evidence: refused: " + line(refused.output(), "too little evidence"));
            System.out.println("site calibration evidence: accepted: " + line(accepted.output(), "evidence: site calibration"));
        }
    }

    private Path phantoms() throws Exception {
        Path images = dir.resolve("images");
        Process generator = new ProcessBuilder("/usr/bin/python3", Path.of("..", "models", "reference", "make_dicom_set.py")
                .toAbsolutePath().normalize().toString(), "--out", images.toString(), "--count", "80", "--size", "256",
                "--seed", "3").redirectErrorStream(true).start();
        String generated = new String(generator.getInputStream().readAllBytes());
        assertEquals(0, generator.waitFor(), generated);
        return images;
    }

    /**
     * The same studies labelled as a site whose readers call findings the model does not see: every
     * third negative of each finding becomes positive, so no threshold reaches a high sensitivity.
     */
    private Path noisyLabels(Path labels) throws Exception {
        List<String> lines = Files.readAllLines(labels);
        int columns = lines.get(0).split(",", -1).length;
        int[] negatives = new int[columns];
        List<String> noisy = new ArrayList<>(List.of(lines.get(0)));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            for (int c = 1; c < cells.length; c++) {
                if (cells[c].equals("0") && ++negatives[c] % 3 == 0) {
                    cells[c] = "1";
                }
            }
            noisy.add(String.join(",", cells));
        }
        return Files.write(dir.resolve("labels-noisy.csv"), noisy);
    }

    private static Path calibrate(Path images, Path labels, Path data, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("calibrate", "--model", "cxr-reference", "--images", images.toString(),
                "--labels", labels.toString(), "--data-dir", data.toString()));
        args.addAll(List.of(options));
        CliProcess run = CliProcess.runWith(Map.of(), null, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.output());
        Path model = data.resolve("models/cxr-reference");
        try (var entries = Files.list(model)) {
            assertTrue(entries.anyMatch(p -> p.getFileName().toString().startsWith("calibration-") && Files.isDirectory(p)),
                    "calibrate wrote its report folder beside the manifest");
        }
        return model;
    }

    private static String version(Path model) throws Exception {
        return new ObjectMapper().readTree(model.resolve("manifest.json").toFile()).get("version").asText();
    }

    private static String line(String output, String containing) {
        return output.lines().filter(l -> l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + containing + " in " + output));
    }

    private static CliProcess cli(TriageServer server, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", server.dataDir().toString()));
        return CliProcess.runWith(server.databaseEnvironment(), null, all.toArray(String[]::new));
    }
}
