package org.cxrtriage.app.web;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.CliProcess;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ModelVersions;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.StudyFiles;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.app.support.Workstation;
import org.cxrtriage.app.triage.rollout.ModelRollout;
import org.cxrtriage.app.triage.rollout.RolloutModels;
import org.cxrtriage.app.triage.rollout.RolloutState;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import javax.sql.DataSource;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 on the administrator's page, in a real headless Chromium against a real server with
 * studies pushed by DCMTK: the installed versions with their flags; staging that needs a reason
 * (force only with the reason, and with a warning); the server's refusal word for word; the
 * comparison page of a shadow version that flags everything (counts as in the database, the
 * disagreeing accession numbers, histograms that add up, no patient name or ID, audited); and the
 * banner naming an automatic rollback, for administrators only, back at the next sign-in.
 */
class RolloutAdminPageTest {

    /** Flags every study critical, so it disagrees with the reference on studies without findings. */
    private static final String FLAGGING = "2.1.0-flags-all";
    private static final int STUDIES = 5;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** An administrator who set their own password, as the comparison requires. */
    private static final String OWNER = "admin.owner";
    private static final String OWNER_PASSWORD = "admin-owner-secret";

    @Test
    void anAdministratorStagesAVersionComparesItAndSeesItsAutomaticRollback() throws Exception {
        try (TriageServer server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of("triage.rollout.poll", "500ms",
                "triage.monitor.min-studies", "5"));
             Workstation admin = Workstation.open(dir.resolve("chromium"), server)) {
            CliProcess install = cli(server, "model", "install",
                    ModelVersions.reference(dir.resolve("v-flag"), FLAGGING, true).toString());
            assertEquals(0, install.exitCode(), install.output());
            // The comparison lists studies: it needs an administrator with a password of their own. The first
            // administrator, on the generated password, is offered one and can run everything else meanwhile.
            admin.signIn(TestUsers.name(Role.ADMIN), TestUsers.password(Role.ADMIN, server.dataDir()));
            admin.waiting().until(d -> d.findElement(By.id("own-password")).isDisplayed());
            assertTrue(admin.find("#own-password").getText().contains("to compare model versions"),
                    admin.find("#own-password").getText());
            versionRow(admin, FLAGGING);
            admin.find("#sign-out").click();
            TestUsers.addAdministrator(server.context().getBean(DataSource.class), OWNER, OWNER_PASSWORD);
            admin.signIn(OWNER, OWNER_PASSWORD);
            assertFalse(admin.find("#own-password").isDisplayed(), "an administrator with their own password is not asked");
            WebElement flagging = versionRow(admin, FLAGGING);
            String sha = (String) server.query("SELECT sha256 FROM model_version WHERE version = ?", FLAGGING).get(0).get(0);
            assertTrue(flagging.getText().contains("available") && flagging.getText().contains("not calibrated at this site")
                    && flagging.getText().contains(sha.substring(0, 12)), flagging.getText());
            assertTrue(flagging.findElements(By.tagName("a")).isEmpty(), "no comparison for a version that does not run");
            assertEquals(List.of(), admin.accessibilityProblems());

            choose(admin, FLAGGING, "shadow");
            assertFalse(admin.find("#stage-submit").isEnabled(), "no change without a reason");
            assertFalse(admin.find("#stage-force").isEnabled(), "force is for activation only");
            admin.find("#stage-reason").sendKeys("vendor update 2.1, shadow trial");
            admin.find("#stage-submit").click();
            admin.waiting().until(d -> "shadow".equals(versionRow(admin, FLAGGING).getDomAttribute("data-state")));
            assertTrue(admin.find("#stage-message").getText().startsWith("Done: cxr-reference " + FLAGGING + ": available -> shadow"),
                    admin.find("#stage-message").getText());
            assertEquals(List.of(List.of(OWNER, "vendor update 2.1, shadow trial")), server.query(
                    "SELECT actor, reason FROM model_version_event WHERE version = ? AND action = 'model.stage'", FLAGGING));
            awaitRunning(server, FLAGGING, RolloutState.SHADOW);

            List<String> names = push(server);

            choose(admin, FLAGGING, "active");
            admin.find("#stage-reason").sendKeys("promote after a short trial");
            WebElement force = admin.find("#stage-force");
            assertTrue(force.isEnabled(), "force is offered once there is a reason");
            force.click();
            assertTrue(admin.find("#stage-force-warning").isDisplayed(), "forcing warns");
            assertEquals("Force the change", admin.find("#stage-submit").getText());
            admin.find("#stage-reason").clear();
            admin.find("#stage-reason").sendKeys(" ");
            admin.find("#stage-reason").clear();
            admin.waiting().until(d -> !d.findElement(By.id("stage-force")).isEnabled());
            assertFalse(admin.find("#stage-force").isSelected(), "no force without a reason");
            assertFalse(admin.find("#stage-submit").isEnabled());
            admin.find("#stage-reason").sendKeys("promote after a short trial");
            admin.find("#stage-submit").click();
            admin.waiting().until(d -> d.findElement(By.id("stage-message")).getAttribute("class").contains("refused"));
            HttpResponse<String> refusal = http.send(server.as(Role.ADMIN, "/api/admin/models/cxr-reference/" + FLAGGING + "/stage")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"state\":\"active\",\"reason\":\"promote after a short trial\",\"force\":false}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(422, refusal.statusCode(), refusal.body());
            String refused = new com.fasterxml.jackson.databind.ObjectMapper().readTree(refusal.body()).path("error").asText();
            assertTrue(refused.contains("too little evidence"), refused);
            assertEquals(refused, admin.find("#stage-message").getText(), "the server's refusal, word for word");
            assertEquals("shadow", versionRow(admin, FLAGGING).getDomAttribute("data-state"));
            admin.js("document.getElementById('model-rollout').scrollIntoView()");
            admin.screenshots("rollout-1-admin-models");

            compare(server, admin, names);

            reopen(server, admin);
            versionRow(admin, FLAGGING);
            canary(admin, "canary on one modality");
            assertTrue(versionRow(admin, FLAGGING).getText().contains("10 % of MODALITY1"), versionRow(admin, FLAGGING).getText());
            assertFalse(admin.find("#rollback-submit").isEnabled(), "no rollback without a reason");
            admin.find("#rollback-reason").sendKeys("the modality's images look different");
            admin.find("#rollback-submit").click();
            admin.waiting().until(d -> "shadow".equals(versionRow(admin, FLAGGING).getDomAttribute("data-state")));
            assertTrue(admin.find("#rollback-message").getText().startsWith("Done: cxr-reference " + FLAGGING + ": canary -> shadow"),
                    admin.find("#rollback-message").getText());
            admin.find("#rollback-reason").sendKeys("once more");
            admin.find("#rollback-submit").click();
            String activeLabel = "cxr-reference " + server.query("SELECT version FROM model_version WHERE state = 'active'").get(0).get(0);
            admin.waiting().until(d -> d.findElement(By.id("rollback-message")).getText().equals(activeLabel
                    + " replaced no earlier version, so there is nothing to roll back to"));
            canary(admin, "canary on one modality, second try");
            assertTrue(admin.find("#model-rollbacks").getDomAttribute("hidden") != null, "no banner before an automatic rollback");

            server.context().getBean(ModelRollout.class).autoRollback("cxr-reference", FLAGGING,
                    "canary monitoring alarm: unreliable rate 0.9 above the stop rule");
            reopen(server, admin);
            admin.waiting().until(d -> d.findElement(By.id("model-rollbacks")).isDisplayed());
            String banner = admin.find("#model-rollbacks").getText();
            assertTrue(banner.contains("cxr-reference " + FLAGGING + " went back to shadow")
                    && banner.contains("unreliable rate 0.9 above the stop rule"), banner);
            assertEquals("shadow", versionRow(admin, FLAGGING).getDomAttribute("data-state"));
            assertEquals(List.of(), admin.accessibilityProblems());
            admin.screenshots("rollout-3-auto-rollback-banner");
            admin.find("#model-rollbacks-dismiss").click();
            assertFalse(admin.find("#model-rollbacks").isDisplayed());
            reopen(server, admin);
            versionRow(admin, FLAGGING);
            Thread.sleep(500);
            assertFalse(admin.find("#model-rollbacks").isDisplayed(), "dismissed for this session");
            admin.find("#sign-out").click();
            admin.signIn(OWNER, OWNER_PASSWORD);
            admin.waiting().until(d -> d.findElement(By.id("model-rollbacks")).isDisplayed());

            admin.find("#sign-out").click();
            admin.signIn(TestUsers.name(Role.RADIOLOGIST), TestUsers.password(Role.RADIOLOGIST, server.dataDir()));
            admin.waiting().until(d -> d.findElements(By.cssSelector("#rows tbody tr")).size() == STUDIES);
            Thread.sleep(1000);
            assertFalse(admin.find("#model-rollbacks").isDisplayed(), "no banner for a radiologist");
            assertFalse(admin.find("#model-rollout").isDisplayed(), "no rollout controls for a radiologist");
            Object calls = admin.js("return performance.getEntriesByType('resource').map(e => e.name)"
                    + ".filter(n => n.includes('/api/admin/models')).length");
            assertEquals(0L, ((Number) calls).longValue(), "a radiologist's page never asks for the model list");
        }
    }

    /** The comparison page of the shadow version against the database, opened from its row. */
    private void compare(TriageServer server, Workstation admin, List<String> names) throws Exception {
        versionRow(admin, FLAGGING).findElement(By.linkText("Compare with active")).click();
        admin.waiting().until(d -> d.findElement(By.id("comparison")).isDisplayed());
        Map<String, long[]> expected = ModelVersions.agreementCounts(server, FLAGGING);
        assertFalse(expected.isEmpty());
        long disagreeingCells = 0;
        for (Map.Entry<String, long[]> finding : expected.entrySet()) {
            WebElement row = admin.find("#agreement tr[data-finding='" + finding.getKey() + "']");
            List<Long> shown = new ArrayList<>();
            for (String count : List.of("bothPositive", "candidateOnly", "activeOnly", "bothNegative", "pairs")) {
                shown.add(Long.parseLong(row.findElement(By.cssSelector("td[data-count='" + count + "']")).getText()));
            }
            long[] counts = finding.getValue();
            assertEquals(List.of(counts[0], counts[1], counts[2], counts[3], (long) STUDIES), shown, finding.getKey());
            disagreeingCells += counts[1] + counts[2];
            for (String side : List.of("candidate", "active")) {
                long total = 0;
                for (WebElement bin : admin.all("table.histogram-table[data-finding='" + finding.getKey() + "'] tr[data-side='"
                        + side + "'] td[data-count='bin']")) {
                    total += Long.parseLong(bin.getText());
                }
                assertEquals(STUDIES, total, side + " histogram of " + finding.getKey() + " adds up to the pairs");
            }
        }
        assertTrue(disagreeingCells > 0, "the flagging version disagrees somewhere: " + expected.keySet());
        Set<String> accessions = new TreeSet<>();
        for (List<Object> row : server.query("""
                SELECT DISTINCT s.accession_number
                  FROM triage_result c
                  JOIN triage_result a ON a.job_id = c.job_id AND a.rollout_role = 'active' AND a.status = 'SCORED'
                  JOIN finding_result fc ON fc.result_id = c.id
                  JOIN finding_result fa ON fa.result_id = a.id AND fa.finding_key = fc.finding_key
                  JOIN study s ON s.study_instance_uid = c.study_instance_uid
                 WHERE c.model_version = ? AND fc.positive <> fa.positive""", FLAGGING)) {
            accessions.add((String) row.get(0));
        }
        Set<String> listed = new TreeSet<>();
        for (WebElement row : admin.all("#disagreements tbody tr")) {
            listed.add(row.findElement(By.tagName("td")).getText());
        }
        assertEquals(accessions, listed);
        assertEquals(disagreeingCells, admin.all("#disagreements tbody tr").size(), "one row per disagreeing finding");
        assertFalse(admin.all("#signals tbody tr").isEmpty(), admin.find("#signals-note").getText());

        String page = admin.browser().getPageSource();
        String comparison = "/api/admin/models/cxr-reference/" + FLAGGING + "/comparison";
        assertEquals(403, http.send(server.as(Role.ADMIN, comparison).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "not for an administrator on the password the server generated");
        String json = http.send(java.net.http.HttpRequest.newBuilder(server.uri(comparison)).header("Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString((OWNER + ":" + OWNER_PASSWORD).getBytes())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String identifier : names) {
            assertFalse(page.contains(identifier), identifier + " on the comparison page");
            assertFalse(json.contains(identifier), identifier + " in the comparison JSON");
        }
        assertTrue(json.contains("\"pairs\":" + STUDIES), json);
        assertEquals(List.of(), admin.accessibilityProblems());
        admin.screenshots("rollout-2-comparison");
        List<List<Object>> audited = server.query(
                "SELECT actor, outcome FROM audit_record WHERE action = 'model.comparison' ORDER BY sequence");
        assertEquals(2, audited.size(), "the page's read and the JSON read are both audited");
        assertEquals(OWNER, audited.get(0).get(0));
    }

    /** Pushes the studies from PACS with known patient names, IDs and accession numbers; returns the names and IDs. */
    private List<String> push(TriageServer server) throws Exception {
        List<Path> files = new ArrayList<>();
        List<String> identifiers = new ArrayList<>();
        for (int i = 1; i <= STUDIES; i++) {
            Path file = PythonPhantoms.study(dir, "study-" + i, "none", 60 + i).file();
            StudyFiles.edit(file, Map.of("(0010,0010)", "CONFIDENTIAL^Phantom^N" + i, "(0010,0020)", "PIDSECRET" + i,
                    "(0008,0050)", "ACCCMP" + i));
            files.add(file);
            identifiers.add("CONFIDENTIAL");
            identifiers.add("PIDSECRET" + i);
        }
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", files).allSucceeded(STUDIES));
        server.awaitCount(STUDIES, "SELECT COUNT(*) FROM triage_result WHERE model_version = ? AND status = 'SCORED'", FLAGGING);
        server.awaitCount(STUDIES, "SELECT COUNT(*) FROM worklist_item WHERE current_result_id IS NOT NULL");
        return identifiers;
    }

    /** The flagging version to canary for 10 % of the studies from MODALITY1, through the form. */
    private static void canary(Workstation admin, String reason) {
        choose(admin, FLAGGING, "canary");
        admin.find("#stage-percent").clear();
        admin.find("#stage-percent").sendKeys("10");
        admin.find("#stage-callers").clear();
        admin.find("#stage-callers").sendKeys("MODALITY1");
        admin.find("#stage-reason").sendKeys(reason);
        admin.find("#stage-submit").click();
        admin.waiting().until(d -> "canary".equals(versionRow(admin, FLAGGING).getDomAttribute("data-state")));
    }

    /** The page loaded again in the same session (still signed in). */
    private static void reopen(TriageServer server, Workstation page) {
        page.browser().get(server.uri("/").toString());
    }

    private static WebElement versionRow(Workstation page, String version) {
        By row = By.cssSelector("#model-versions tr[data-version='" + version + "']");
        page.waiting().until(d -> !d.findElements(row).isEmpty());
        return page.browser().findElement(row);
    }

    private static void choose(Workstation page, String version, String state) {
        new Select(page.find("#stage-version")).selectByValue("cxr-reference/" + version);
        new Select(page.find("#stage-state")).selectByValue(state);
    }

    private static CliProcess cli(TriageServer server, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", server.dataDir().toString()));
        return CliProcess.runWith(server.databaseEnvironment(), null, all.toArray(String[]::new));
    }

    private static void awaitRunning(TriageServer server, String version, RolloutState state) throws Exception {
        RolloutModels models = server.context().getBean(RolloutModels.class);
        long start = System.nanoTime();
        while (models.running().stream().noneMatch(running -> running.version().version().equals(version)
                && running.version().state() == state)) {
            if (System.nanoTime() - start > 5_000_000_000L) {
                throw new AssertionError(version + " not running as " + state + " within 5 s: " + models.running());
            }
            Thread.sleep(50);
        }
    }
}
