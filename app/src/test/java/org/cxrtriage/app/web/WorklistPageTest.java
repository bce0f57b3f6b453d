package org.cxrtriage.app.web;

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
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A radiologist's session in a real headless Chromium: sign in, watch a flagged study arrive at the
 * top without reloading, open it, see the image, agree with a finding, mark it reviewed, and find
 * the same state over FHIR. Screenshots go to app/target/screenshots.
 */
class WorklistPageTest {

    @TempDir
    Path dir;

    private TriageServer server;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of());
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=1600,1000", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
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
    void radiologistWorksAFlaggedStudyFromArrivalToReview() throws Exception {
        String base = "http://127.0.0.1:" + server.httpPort();
        browser.get(base + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> d.findElement(By.id("login")).isDisplayed());
        browser.findElement(By.id("login-user")).sendKeys("radiologist");
        browser.findElement(By.id("login-password")).sendKeys("wrong");
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(d -> d.findElement(By.id("login-error")).getText().contains("Wrong"));
        browser.findElement(By.id("login-password")).clear();
        browser.findElement(By.id("login-password")).sendKeys(TestUsers.password(Role.RADIOLOGIST, server.dataDir()));
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(d -> d.findElement(By.id("worklist")).isDisplayed());
        // Rows are held still while the pointer is over the list; this test watches them move.
        new Actions(browser).moveToElement(browser.findElement(By.cssSelector(".bar h1"))).perform();

        PythonPhantoms.Study normal = PythonPhantoms.study(dir, "normal", "none", 61);
        PythonPhantoms.Study flagged = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 62);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(normal.file())).allSucceeded(1));
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(flagged.file())).allSucceeded(1));

        wait.until(d -> d.findElements(By.cssSelector("#rows tbody tr")).size() == 2);
        WebElement top = browser.findElement(By.cssSelector("#rows tbody tr"));
        assertEquals(flagged.studyInstanceUid(), top.getAttribute("data-uid"), "the flagged study is first, without a reload");
        // Chips now show short labels; the full name is in the title and the screen-reader text.
        WebElement chip = top.findElement(By.cssSelector(".chip.positive.critical"));
        assertTrue(chip.getAttribute("title").startsWith("Pneumothorax"), chip.getAttribute("title"));
        assertTrue(chip.getText().startsWith("PTX"), chip.getText());
        assertEquals("asap", top.findElement(By.cssSelector(".priority")).getText().toLowerCase());
        screenshot("1-worklist");
        browser.findElement(By.cssSelector("th[data-sort='waiting'] button")).click();
        browser.findElement(By.cssSelector("th[data-sort='waiting'] button")).click();
        assertEquals("descending", browser.findElement(By.cssSelector("th[data-sort='waiting']")).getAttribute("aria-sort"));
        browser.findElement(By.cssSelector("th[data-sort='priority'] button")).click();
        wait.until(d -> flagged.studyInstanceUid().equals(
                d.findElement(By.cssSelector("#rows tbody tr")).getAttribute("data-uid")));

        new Actions(browser).sendKeys("j").perform();
        wait.until(d -> "true".equals(d.findElements(By.cssSelector("#rows tbody tr")).get(1).getAttribute("aria-selected")));
        new Actions(browser).sendKeys("k").perform();
        wait.until(d -> "true".equals(d.findElements(By.cssSelector("#rows tbody tr")).get(0).getAttribute("aria-selected")));
        new Actions(browser).sendKeys(Keys.ENTER).perform();

        wait.until(d -> d.findElement(By.id("study")).isDisplayed());
        // The study view now shows the image in a canvas viewer at full resolution (the PNG preview is gone).
        wait.until(d -> d.findElement(By.id("viewer")).getAttribute("data-render-ms") != null);
        double spread = ((Number) ((JavascriptExecutor) browser).executeScript("""
                const c = document.getElementById('image-canvas');
                const g = c.getContext('2d'); const d = g.getImageData(0, 0, c.width, c.height).data; let min = 255, max = 0;
                for (let i = 0; i < d.length; i += 16) { min = Math.min(min, d[i]); max = Math.max(max, d[i]); }
                return max - min;""")).doubleValue();
        assertTrue(spread > 100, "the viewer shows an image, not a blank (grey range " + spread + ")");
        wait.until(d -> d.findElement(By.id("timeline")).getText().contains("Opened"));
        // Opening only looks now (issue #16, 3): the Task stays ready until "Start reading".
        assertEquals("ready", server.query("SELECT status FROM worklist_item WHERE study_instance_uid = ?",
                flagged.studyInstanceUid()).get(0).get(0), "viewing does not claim");
        screenshot("2-study-opened");
        new Actions(browser).sendKeys("s").perform();
        wait.until(d -> d.findElement(By.id("reading-state")).getText().startsWith("You are reading"));

        browser.findElement(By.cssSelector("#findings tbody tr button[data-agree='true']")).click();
        wait.until(d -> "true".equals(d.findElement(By.cssSelector("#findings tbody tr button[data-agree='true']"))
                .getAttribute("aria-pressed")));
        browser.findElement(By.id("reviewed")).click();
        // Mark reviewed offers undo and moves on to the next study to read (issue #16, 4).
        wait.until(d -> d.findElement(By.id("undo-bar")).isDisplayed());
        wait.until(d -> normal.studyInstanceUid().equals(d.findElement(By.cssSelector("#rows tbody tr[aria-selected='true']"))
                .getAttribute("data-uid")) && d.findElement(By.id("reading-state")).getText().startsWith("Viewing only"));
        screenshot("3-study-reviewed");

        String task = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/fhir/Task/"
                + flagged.studyInstanceUid())).header("Authorization", server.basic(Role.INTEGRATION)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(task.contains("\"status\":\"completed\""), task);
        assertTrue(task.contains("\"owner\":{\"display\":\"radiologist\"}"), task);
        assertEquals(1, server.count("SELECT COUNT(*) FROM finding_feedback WHERE actor = 'radiologist' AND agree = TRUE"));
        assertEquals(1, server.count("SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ? AND first_opened_at IS NOT NULL"
                + " AND claimed_at IS NOT NULL AND completed_at IS NOT NULL", flagged.studyInstanceUid()));
    }

    @Test
    void complianceOfficerSeesAStudysTimelineAndCannotChangeIt() throws Exception {
        PythonPhantoms.Study flagged = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 63);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(flagged.file())).allSucceeded(1));
        server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE business_status = 'scored'");
        String base = "http://127.0.0.1:" + server.httpPort();
        browser.get(base + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> d.findElement(By.id("login")).isDisplayed());
        browser.findElement(By.id("login-user")).sendKeys("compliance");
        browser.findElement(By.id("login-password")).sendKeys(TestUsers.password(Role.COMPLIANCE, server.dataDir()));
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(d -> d.findElements(By.cssSelector("#rows tbody tr")).size() == 1);
        browser.findElement(By.cssSelector("#rows tbody tr")).click();
        new Actions(browser).sendKeys(Keys.ENTER).perform();
        wait.until(d -> d.findElement(By.id("compliance")).isDisplayed());
        wait.until(d -> d.findElements(By.cssSelector("#audit-trail tbody tr")).size() >= 3);
        String trail = browser.findElement(By.id("audit-trail")).getText();
        assertTrue(trail.contains("dicom.store") && trail.contains("PACS"), trail);
        assertTrue(trail.contains("triage.scored"), trail);
        assertTrue(trail.contains("study.view") && trail.contains("compliance"), "their own view is recorded: " + trail);
        assertTrue(browser.findElement(By.id("audit-chain")).getText().contains("intact"));
        assertFalse(browser.findElement(By.id("reviewed")).isDisplayed(), "read-only: no Mark reviewed");
        assertTrue(browser.findElements(By.cssSelector("#findings button")).stream().noneMatch(WebElement::isDisplayed),
                "read-only: no Agree / Disagree");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('compliance').scrollIntoView()");
        screenshot("4-compliance-timeline");
        assertEquals("ready", server.query("SELECT status FROM worklist_item").get(0).get(0), "viewing did not open the Task");
    }

    @Test
    void administratorManagesUsersAndModelsWithoutSeeingPatients() throws Exception {
        browser.get("http://127.0.0.1:" + server.httpPort() + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // the user table is redrawn after each action
        wait.until(d -> d.findElement(By.id("login")).isDisplayed());
        browser.findElement(By.id("login-user")).sendKeys("admin");
        browser.findElement(By.id("login-password")).sendKeys(TestUsers.password(Role.ADMIN, server.dataDir()));
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(d -> d.findElements(By.cssSelector("#users tbody tr")).size() == 4);
        assertFalse(browser.findElement(By.id("worklist")).isDisplayed(), "no worklist for administrators");
        // Any calling AE title may add studies while the allow-list is empty: the administrator is told (issue #7, 9).
        wait.until(d -> d.findElement(By.id("admin-warnings")).isDisplayed());
        assertTrue(browser.findElement(By.cssSelector("#admin-warning-list li[data-code='dicom-allow-list-empty']")).getText()
                .contains("TRIAGE_DICOM_ALLOWED_CALLERS"));

        browser.findElement(By.id("new-user")).sendKeys("dr.new");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("new-role"))).selectByValue("RADIOLOGIST");
        browser.findElement(By.id("new-password")).sendKeys("a-fresh-password-1");
        browser.findElement(By.cssSelector("#add-user button")).click();
        wait.until(d -> d.findElements(By.cssSelector("#users tbody tr")).size() == 5);
        browser.findElement(By.cssSelector("#users tr[data-user='radiologist'] button")).click();
        // Disabling asks first (issue #16, 7).
        wait.until(d -> d.findElement(By.id("confirm")).isDisplayed());
        browser.findElement(By.id("confirm-ok")).click();
        wait.until(d -> d.findElement(By.cssSelector("#users tr[data-user='radiologist']")).getText().contains("disabled"));
        browser.findElement(By.id("reload-models")).click();
        wait.until(d -> d.findElement(By.id("models-message")).getText().startsWith("Active model: cxr-reference"));
        screenshot("5-administrator");

        HttpClient http = HttpClient.newHttpClient();
        assertEquals(200, http.send(server.as(Role.RADIOLOGIST, "/api/me").setHeader("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString("dr.new:a-fresh-password-1".getBytes())).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "the new user signs in");
        assertEquals(401, http.send(server.as(Role.RADIOLOGIST, "/api/me").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode(), "the disabled user does not");
        assertEquals(List.of("login", "user.add", "user.disable", "model.reload"), server.query(
                "SELECT action FROM audit_record WHERE actor = 'admin' AND actor_type = 'USER' ORDER BY sequence").stream()
                .map(row -> (String) row.get(0)).toList());
    }

    @Test
    void patientDataNeedsASignedInUser() throws Exception {
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + server.httpPort() + "/api/worklist")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
    }

    private void screenshot(String name) throws Exception {
        Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name + ".png");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
