package org.cxrtriage.app.web;

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
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
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
 * The administrator's page shows the result outbox: a PACS that is not there makes a failed
 * delivery (given up after two seconds here), which the page lists with its error and re-queues
 * with one click, audited with the administrator's name. No study UID or patient data appears.
 */
class DeliveryAdminPageTest {

    @TempDir
    Path dir;

    @Test
    void anAdministratorSeesAFailedDeliveryAndRequeuesIt() throws Exception {
        String pacs = "PACS@127.0.0.1:" + ServerProcess.freePort();
        PhantomIdentity study = PhantomIdentity.newStudy();
        Path file = dir.resolve("study.dcm");
        Transcoder.write(PhantomSpec.chestCr(study, 5).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        ChromeDriver browser = null;
        try (TriageServer server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of(
                "triage.delivery.results-dicom", pacs,
                "triage.delivery.retry-max", "1s",
                "triage.delivery.give-up", "2s"))) {
            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "MODALITY", List.of(file)).allSucceeded(1));
            server.awaitCount(1, "SELECT COUNT(*) FROM delivery WHERE state = 'FAILED'");

            ChromeOptions options = new ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                    "--window-size=1600,1000", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
            browser = new ChromeDriver(new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build(), options);
            browser.get("http://127.0.0.1:" + server.httpPort() + "/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.ignoring(StaleElementReferenceException.class); // the table is redrawn after each action
            wait.until(d -> d.findElement(By.id("login")).isDisplayed());
            browser.findElement(By.id("login-user")).sendKeys("admin");
            browser.findElement(By.id("login-password")).sendKeys(TestUsers.password(Role.ADMIN, server.dataDir()));
            browser.findElement(By.cssSelector("#login-form button")).click();

            By row = By.cssSelector("#deliveries tr[data-destination='" + pacs + "']");
            wait.until(d -> !d.findElements(row).isEmpty());
            String cells = browser.findElement(row).getText();
            assertTrue(cells.startsWith("dicom " + pacs), cells);
            assertTrue(cells.contains("Retry failed"), cells);
            String failures = browser.findElement(By.id("delivery-failures")).getText();
            assertTrue(failures.contains("dicom " + pacs + ", revision 1"), failures);
            assertTrue(failures.contains("gave up") || failures.contains("127.0.0.1"), failures);
            String page = browser.findElement(By.id("admin")).getText();
            assertFalse(page.contains(study.studyInstanceUid()), "no study UID on the administrator's page");
            assertFalse(page.contains(study.patientId()), "no patient ID on the administrator's page");
            screenshot(browser, "6-administrator-deliveries");

            browser.findElement(row).findElement(By.tagName("button")).click();
            wait.until(d -> d.findElement(By.id("deliveries-message")).getText()
                    .equals("Re-queued 1 failed deliveries to " + pacs + "."));
            assertEquals(List.of(List.of("USER", "admin")), server.query(
                    "SELECT actor_type, actor FROM audit_record WHERE action = 'result.retry'"));
            server.awaitCount(1, "SELECT COUNT(*) FROM delivery WHERE state = 'FAILED' AND last_attempt_at >"
                    + " (SELECT MAX(recorded_at) FROM audit_record WHERE action = 'result.retry')");
        } finally {
            if (browser != null) {
                browser.quit();
            }
        }
    }

    private static void screenshot(ChromeDriver browser, String name) throws Exception {
        Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name + ".png");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), target,
                StandardCopyOption.REPLACE_EXISTING);
    }
}
