package org.cxrtriage.app.monitoring;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitoring page in a real headless Chromium: a radiologist sees the suspension banner on the
 * worklist and is refused the monitoring page; an administrator follows the link from the admin
 * view, sees the alarm with its reasons, the charts (inline SVG, styled under the strict CSP), the
 * signals, performance from feedback given with reasons, and the subgroups, and acknowledges the
 * alarm; a compliance officer sees the same page without the acknowledgement. Screenshots go to
 * app/target/screenshots.
 */
class MonitoringPageTest {

    @TempDir
    Path dir;

    private TriageServer server;
    private ChromeDriver browser;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of("triage.monitor.min-studies", 5,
                "triage.monitor.unreliable-alarm", 0.1, "triage.monitor.stop-rule", "suspend", "triage.monitor.poll", "1s"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=1600,1200", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
    }

    @Test
    void administratorSeesTheAlarmWithItsEvidenceAndAcknowledgesIt() throws Exception {
        List<Path> files = new ArrayList<>();
        List<PythonPhantoms.Study> studies = PythonPhantoms.inDistribution(dir, "studies", 8, 1401);
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
        List<Long> given = giveFeedbackWithReasons();
        server.awaitCount(1, "SELECT COUNT(*) FROM monitor_status WHERE status = 'alarm'"
                + " AND newest_feedback_id >= (SELECT MAX(id) FROM finding_feedback)");

        String base = "http://127.0.0.1:" + server.httpPort();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        signIn(base, Role.RADIOLOGIST, wait);
        wait.until(d -> d.findElement(By.id("ai-suspended")).isDisplayed());
        assertTrue(browser.findElement(By.id("ai-suspended")).getText().startsWith("AI triage suspended: monitoring alarm"));
        screenshot("monitoring-1-worklist-banner");
        disagreeInTheWorklistBecauseOfAPoorImage(given, wait);
        server.awaitCount(1, "SELECT COUNT(*) FROM monitor_status WHERE newest_feedback_id >= (SELECT MAX(id) FROM finding_feedback)");
        assertFalse(browser.findElement(By.id("monitoring-nav")).isDisplayed(), "no monitoring link for a radiologist");
        browser.get(base + "/monitoring.html");
        wait.until(d -> d.findElement(By.id("monitor-notice")).isDisplayed());
        assertTrue(browser.findElement(By.id("monitor-notice")).getText().contains("does not include monitoring"));

        browser.manage().deleteAllCookies();
        signIn(base, Role.ADMIN, wait);
        wait.until(d -> d.findElement(By.id("monitoring-link")).isDisplayed());
        browser.findElement(By.id("monitoring-link")).click();
        wait.until(d -> d.findElement(By.id("status-badge")).getText().equalsIgnoreCase("alarm"));
        assertTrue(browser.findElement(By.id("status-reasons")).getText().contains("unreliable rate"));
        assertTrue(browser.findElement(By.id("ai-triage")).getText().startsWith("AI triage suspended"));
        wait.until(d -> d.findElements(By.cssSelector("#charts svg")).size() == 4);
        assertTrue(browser.findElements(By.cssSelector("#chart-studies rect.bar-scored")).size() >= 1, "stacked bars drawn");
        assertTrue(browser.findElements(By.cssSelector("#chart-unreliable circle")).size() >= 1, "today's unreliable rate drawn");
        assertTrue(browser.findElements(By.cssSelector("#chart-positive figure")).size() >= 5, "one chart per finding");
        assertTrue(browser.findElements(By.cssSelector("#chart-positive polygon.chart-band")).size() >= 1, "the reference band");
        assertFalse(browser.findElement(By.cssSelector("#signals tr[data-signal='unreliableRate']")).getText().isEmpty());
        assertTrue(browser.findElements(By.cssSelector("#subgroups tbody tr")).size() >= 5);
        String performance = browser.findElement(By.id("performance")).getText();
        assertTrue(performance.contains("false-positive 1") && performance.contains("missed-finding 1")
                && performance.contains("poor-image 1"), performance);
        JavascriptExecutor script = browser;
        assertEquals(0L, script.executeScript("return document.querySelectorAll('[style]').length"),
                "no inline style: the CSP would refuse it");
        assertFalse("rgb(0, 0, 0)".equals(script.executeScript(
                "return getComputedStyle(document.querySelector('#chart-studies rect.bar-scored')).fill")),
                "the chart is styled by monitoring.css");
        assertTrue(browser.findElement(By.id("acknowledge-form")).isDisplayed());
        screenshot("monitoring-2-alarm");

        browser.findElement(By.id("acknowledge-reason")).sendKeys("three inverted test images from a PACS test run; removed");
        browser.findElement(By.cssSelector("#acknowledge-form button")).click();
        wait.until(d -> d.findElement(By.id("acknowledgement")).getText().startsWith("Acknowledged by admin"));
        assertTrue(browser.findElement(By.id("ai-triage")).getText().startsWith("AI triage active"));
        wait.until(d -> d.findElement(By.id("events")).getText().contains("acknowledged"));
        assertFalse(browser.findElement(By.id("acknowledge-form")).isDisplayed());
        screenshot("monitoring-3-acknowledged");

        browser.manage().deleteAllCookies();
        signIn(base, Role.COMPLIANCE, wait);
        wait.until(d -> d.findElement(By.id("monitoring-nav")).isDisplayed());
        browser.findElement(By.id("monitoring-nav")).click();
        wait.until(d -> d.findElement(By.id("status-badge")).getText().equalsIgnoreCase("alarm"));
        assertFalse(browser.findElement(By.id("acknowledge-form")).isDisplayed(), "only administrators acknowledge");
        assertTrue(browser.findElement(By.id("acknowledgement")).getText().contains("removed"));
    }

    /**
     * In the worklist, a radiologist opens the top study, picks "poor image" beside Disagree on a finding that has no
     * feedback yet, and disagrees: the reason is stored with the disagreement.
     */
    private void disagreeInTheWorklistBecauseOfAPoorImage(List<Long> given, WebDriverWait wait) throws Exception {
        browser.findElement(By.cssSelector("#rows tbody tr")).click();
        wait.until(d -> d.findElement(By.id("study")).isDisplayed() && !d.findElements(By.cssSelector("#findings tbody tr")).isEmpty());
        WebElement finding = browser.findElements(By.cssSelector("#findings tbody tr")).stream()
                .filter(tr -> !given.contains(Long.parseLong(tr.getAttribute("data-finding")))).findFirst().orElseThrow();
        long id = Long.parseLong(finding.getAttribute("data-finding"));
        new Select(finding.findElement(By.cssSelector("select.disagree-reason"))).selectByValue("poor-image");
        assertEquals(0, server.count("SELECT COUNT(*) FROM finding_feedback WHERE finding_result_id = " + id),
                "choosing a reason alone sends nothing");
        finding.findElement(By.cssSelector("button[data-agree='false']")).click();
        wait.until(d -> "true".equals(finding.findElement(By.cssSelector("button[data-agree='false']")).getAttribute("aria-pressed")));
        assertEquals(List.of(List.of(false, "poor-image")), server.query(
                "SELECT agree, reason FROM finding_feedback WHERE finding_result_id = " + id));
    }

    /** A radiologist's feedback over the web API: agreement, disagreements with and without a reason, and refusals. */
    private List<Long> giveFeedbackWithReasons() throws Exception {
        List<Long> findings = server.query("SELECT f.id FROM finding_result f JOIN triage_result r ON r.id = f.result_id"
                + " WHERE r.shadow = FALSE ORDER BY f.id").stream().map(row -> ((Number) row.get(0)).longValue()).toList();
        assertEquals(200, feedback(findings.get(0), "{\"agree\":true}").statusCode());
        assertEquals(200, feedback(findings.get(1), "{\"agree\":false,\"reason\":\"false-positive\"}").statusCode());
        assertEquals(200, feedback(findings.get(2), "{\"agree\":false,\"reason\":\"missed-finding\"}").statusCode());
        assertEquals(200, feedback(findings.get(3), "{\"agree\":false}").statusCode());
        HttpResponse<String> agreeingWithReason = feedback(findings.get(4), "{\"agree\":true,\"reason\":\"other\"}");
        assertEquals(400, agreeingWithReason.statusCode());
        assertTrue(agreeingWithReason.body().contains("goes with a disagreement"), agreeingWithReason.body());
        HttpResponse<String> unknown = feedback(findings.get(4), "{\"agree\":false,\"reason\":\"bad-luck\"}");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("missed-finding, false-positive, poor-image, other"), unknown.body());
        assertEquals(List.of(List.of("false-positive"), List.of("missed-finding")), server.query(
                "SELECT reason FROM finding_feedback WHERE reason IS NOT NULL ORDER BY id"));
        assertEquals(4, server.count("SELECT COUNT(*) FROM finding_feedback"));
        return findings.subList(0, 4);
    }

    private HttpResponse<String> feedback(long finding, String json) throws Exception {
        return http.send(server.as(Role.RADIOLOGIST, "/api/findings/" + finding + "/feedback").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void signIn(String base, Role role, WebDriverWait wait) {
        browser.get(base + "/");
        wait.until(d -> d.findElement(By.id("login")).isDisplayed());
        WebElement user = browser.findElement(By.id("login-user"));
        user.clear();
        user.sendKeys(TestUsers.name(role));
        browser.findElement(By.id("login-password")).sendKeys(TestUsers.password(role, server.dataDir()));
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(d -> !d.findElement(By.id("login")).isDisplayed());
    }

    private void screenshot(String name) throws Exception {
        Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name + ".png");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
