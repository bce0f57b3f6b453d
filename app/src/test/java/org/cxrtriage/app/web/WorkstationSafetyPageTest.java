package org.cxrtriage.app.web;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.StudyFiles;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.app.support.Workstation;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shared reading-room workstation (issue #16, points 7, 8 and 9 for the other roles): signing
 * out or expiring leaves an empty sign-in form and one poller, the idle lock hides patient data
 * until the password is given again, administrators confirm before disabling, cannot disable
 * themselves and can reset passwords, one look is one study.view, and compliance officers get a
 * full-width timeline with filters, seconds and time zones, and a CSV of what is shown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkstationSafetyPageTest {

    private static final int IDLE_LOCK_SECONDS = 12;

    private Path dir;
    private TriageServer server;
    private Workstation station;
    private String study;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("workstation");
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of("triage.ui.idle-lock", IDLE_LOCK_SECONDS + "s"));
        PythonPhantoms.Study flagged = PythonPhantoms.study(dir, "safe", "pneumothorax", 91);
        study = flagged.studyInstanceUid();
        StudyFiles.edit(flagged.file(), StudyFiles.patient("SAFE^Sam", "M", "19610101"));
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(flagged.file())).allSucceeded(1));
        server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item");
        station = Workstation.open(dir.resolve("chromium"), server);
        station.load();
    }

    @AfterAll
    void stop() {
        if (station != null) {
            station.close();
        }
        server.close();
    }

    @Test
    @Order(1)
    void signingOutOrExpiringLeavesAnEmptyFormAndSigningInAgainOnePoller() throws Exception {
        signIn(Role.RADIOLOGIST);
        station.js("""
                window.versionCalls = 0; const original = window.fetch;
                window.fetch = (url, options) => { if (String(url).includes('/api/worklist/version')) window.versionCalls++;
                  return original(url, options); };""");
        station.find("#sign-out").click();
        station.waiting().until(d -> d.findElement(By.id("login")).isDisplayed());
        assertFalse(station.find("#sign-out").isDisplayed(), "no Sign out button on the sign-in page");
        assertEquals("", station.find("#login-user").getAttribute("value"));
        assertEquals("", station.find("#login-password").getAttribute("value"), "the password is not left filled in");
        long logins = server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'login'");
        station.find("#login-password").click();
        station.keys(Keys.ENTER);
        Thread.sleep(800);
        assertTrue(station.find("#login").isDisplayed(), "Enter does not sign straight back in");
        assertEquals(logins, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'login'"));
        assertFalse(station.find("body").getText().contains("SAFE"), "no patient data left on the page");
        assertNoPatientDataInThePage("after signing out");
        station.screenshots("07-signed-out-empty-form");

        station.find("#login-user").sendKeys("radiologist");
        station.find("#login-password").sendKeys(TestUsers.password(Role.RADIOLOGIST, server.dataDir()));
        station.find("#login-form button").click();
        station.waiting().until(d -> d.findElements(By.cssSelector("#rows tbody tr")).size() == 1);
        station.js("window.versionCalls = 0");
        Thread.sleep(6500);
        long calls = ((Number) station.js("return window.versionCalls")).longValue();
        Workstation.measured("version polls in 6.5 s after signing in a second time (one poller every 2 s: 3)", calls);
        assertTrue(calls >= 2 && calls <= 4, "one poller, not two: " + calls + " polls in 6.5 s");

        server.update("UPDATE user_session SET revoked_at = CURRENT_TIMESTAMP, revoked_reason = 'test expiry'"
                + " WHERE user_name = 'radiologist'");
        station.waiting().until(d -> d.findElement(By.id("login")).isDisplayed());
        assertEquals("", station.find("#login-password").getAttribute("value"));
        assertFalse(station.find("body").getText().contains("SAFE"), "an expired session leaves no patient data behind");
        assertNoPatientDataInThePage("after the session expired");
        station.screenshots("07-session-expired");
    }

    @Test
    @Order(2)
    void theIdleLockHidesPatientDataUntilThePasswordIsGivenAgain() throws Exception {
        signIn(Role.RADIOLOGIST);
        station.find("tr[data-uid='" + study + "']").click();
        station.waiting().until(d -> d.findElement(By.id("study-title")).getText().startsWith("SAFE"));
        new WebDriverWait(station.browser(), Duration.ofSeconds(IDLE_LOCK_SECONDS + 15))
                .until(d -> d.findElement(By.id("lock")).isDisplayed());
        assertFalse(station.find("body").getText().contains("SAFE"), "locked: no patient name on the page");
        assertEquals(0L, ((Number) station.js("return document.querySelectorAll('#rows tbody tr').length")).longValue(),
                "the rows are gone from the page, not just hidden");
        server.awaitCount(1, "SELECT COUNT(*) FROM audit_record WHERE action = 'session.lock' AND actor = 'radiologist'");
        station.screenshots("07-idle-lock");
        station.find("#lock-password").sendKeys("not-my-password");
        station.find("#lock-form button[type='submit']").click();
        station.waiting().until(d -> d.findElement(By.id("lock-error")).getText().equals("Wrong password."));
        assertTrue(server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'login.failed' AND details LIKE 'web unlock%'") >= 1);
        station.find("#lock-password").sendKeys(TestUsers.password(Role.RADIOLOGIST, server.dataDir()));
        station.find("#lock-form button[type='submit']").click();
        station.waiting().until(d -> !d.findElement(By.id("lock")).isDisplayed());
        station.waiting().until(d -> d.findElement(By.id("study-title")).getText().startsWith("SAFE"));
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'session.unlock' AND actor = 'radiologist'"));
        assertEquals(1, server.count("SELECT COUNT(*) FROM user_session WHERE user_name = 'radiologist' AND revoked_at IS NULL"),
                "unlocking opened no second session");
        station.find("#sign-out").click();
        station.waiting().until(d -> d.findElement(By.id("login")).isDisplayed());
    }

    @Test
    @Order(3)
    void administratorsConfirmDisablingCannotDisableThemselvesAndResetPasswords() throws Exception {
        signIn(Role.ADMIN);
        station.waiting().until(d -> d.findElements(By.cssSelector("#users tbody tr")).size() == 4);
        assertEquals(List.of("Reset password"), station.all("#users tr[data-user='admin'] button").stream()
                .map(WebElement::getText).toList(), "no Disable on one's own account");
        @SuppressWarnings("unchecked")
        Map<String, Object> self = (Map<String, Object>) station.js("""
                return fetch('/api/admin/users/admin/disable', {method: 'POST', headers: {'X-Requested-With': 'cxr-triage'}})
                  .then(async r => ({status: r.status, body: await r.json()}));""");
        assertEquals(422L, ((Number) self.get("status")).longValue(), "refused by the server too: " + self);
        assertTrue(self.get("body").toString().contains("cannot disable your own account"), self.toString());

        station.find("#users tr[data-user='radiologist'] button").click();
        station.waiting().until(d -> d.findElement(By.id("confirm")).isDisplayed());
        station.screenshot("07-admin-confirm-disable");
        station.find("#confirm-cancel").click();
        station.waiting().until(d -> !d.findElement(By.id("confirm")).isDisplayed());
        assertEquals(Boolean.FALSE, server.query("SELECT disabled FROM app_user WHERE name = 'radiologist'").get(0).get(0),
                "cancelled: still active");
        station.find("#users tr[data-user='radiologist'] button").click();
        station.find("#confirm-ok").click();
        station.waiting().until(d -> d.findElement(By.cssSelector("#users tr[data-user='radiologist']")).getText().contains("disabled"));
        station.find("#users tr[data-user='radiologist'] button").click();
        station.waiting().until(d -> d.findElement(By.cssSelector("#users tr[data-user='radiologist']")).getText().contains("active"));

        station.find("#users tr[data-user='integration'] button[aria-label='Reset the password of integration']").click();
        station.waiting().until(d -> d.findElement(By.id("reset-password")).isDisplayed());
        station.find("#reset-password").sendKeys("a-temporary-password-2");
        station.screenshots("07-admin-reset-password");
        station.find("#confirm-ok").click();
        station.waiting().until(d -> d.findElement(By.id("admin-message")).getText().equals("Password of integration reset."));
        assertEquals(Boolean.TRUE, server.query("SELECT must_change_password FROM app_user WHERE name = 'integration'").get(0).get(0));
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'user.passwd' AND actor = 'admin'"));
        List<String> problems = new ArrayList<>();
        station.screenshots("09-axe-admin", (w, h) -> problems.addAll(station.accessibilityProblems().stream()
                .map(p -> "admin at " + w + ": " + p).toList()));
        assertEquals(List.of(), problems);
        station.find("#sign-out").click();
        station.waiting().until(d -> d.findElement(By.id("login")).isDisplayed());
    }

    @Test
    @Order(4)
    void oneLookIsOneRecordAndTheComplianceTimelineFiltersAndExportsWhatItShows() throws Exception {
        signIn(Role.RADIOLOGIST);
        String views = "SELECT COUNT(*) FROM audit_record WHERE action = 'study.view' AND actor = 'radiologist' AND study_uid = ?";
        long before = server.count(views, study);
        station.find("tr[data-uid='" + study + "']").click();
        station.waiting().until(d -> d.findElement(By.id("viewer")).getAttribute("data-render-ms") != null);
        station.find("#findings button[aria-label='Agree: Pneumothorax']").click();
        for (int i = 0; i < 3; i++) {
            Path other = StudyFiles.routine(dir, "other" + i, 200 + i);
            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(other)).allSucceeded(1));
            int rows = 2 + i;
            station.waiting().until(d -> d.findElements(By.cssSelector("#rows tbody tr")).size() == rows);
        }
        assertTrue(server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'worklist.read' AND actor = 'radiologist'") >= 4,
                "the list was fetched again after each arrival");
        assertEquals(before + 1, server.count(views, study), "one study.view for one look, none for the refreshes while it is open");
        long radiologistViews = server.count(views, study);
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'finding.feedback'"
                + " AND details = 'agree: Pneumothorax (pneumothorax)'"), "the feedback record names the finding");
        station.find("#sign-out").click();

        signIn(Role.COMPLIANCE);
        station.find("tr[data-uid='" + study + "']").click();
        station.waiting().until(d -> d.findElements(By.cssSelector("#audit-trail tbody tr")).size() >= 4);
        String when = station.find("#audit-trail tbody tr td:nth-child(2)").getText();
        assertTrue(when.matches(".*\\d{2}:\\d{2}:\\d{2}.*") && when.matches(".*(UTC|GMT|[A-Z]{3,5}).*"),
                "seconds and time zone: " + when);
        List<String> problems = new ArrayList<>();
        station.screenshots("08-compliance-in-study", (w, h) -> problems.addAll(station.accessibilityProblems().stream()
                .map(p -> "compliance study view at " + w + ": " + p).toList()));
        station.find("#audit-full-open").click();
        station.waiting().until(d -> d.findElement(By.id("audit-view")).isDisplayed());
        station.waiting().until(d -> d.findElements(By.cssSelector("#audit-full tbody tr")).size() >= 5);
        int all = station.all("#audit-full tbody tr").size();
        station.screenshots("08-compliance-full-width", (w, h) -> problems.addAll(station.accessibilityProblems().stream()
                .map(p -> "compliance full width at " + w + ": " + p).toList()));

        new Select(station.find("#audit-action")).selectByValue("study.view");
        station.waiting().until(d -> d.findElements(By.cssSelector("#audit-full tbody tr")).stream()
                .allMatch(tr -> tr.findElement(By.cssSelector("td:nth-child(4)")).getText().equals("study.view")));
        new Select(station.find("#audit-actor")).selectByValue("radiologist");
        station.waiting().until(d -> d.findElements(By.cssSelector("#audit-full tbody tr")).size() == radiologistViews);
        // The day the looks were recorded, not "now": a run that crosses midnight must still find them.
        LocalDate recorded = ((java.time.OffsetDateTime) server.query("SELECT MAX(recorded_at) FROM audit_record"
                + " WHERE action = 'study.view' AND actor = 'radiologist' AND study_uid = ?", study).get(0).get(0))
                .atZoneSameInstant(ZoneId.systemDefault()).toLocalDate();
        String yesterday = recorded.minusDays(1).toString();
        setDates(yesterday, yesterday);
        station.waiting().until(d -> d.findElements(By.cssSelector("#audit-full tbody tr")).isEmpty());
        String today = recorded.toString();
        setDates(today, today);
        station.waiting().until(d -> d.findElements(By.cssSelector("#audit-full tbody tr")).size() == radiologistViews);
        station.screenshots("08-compliance-filtered");

        station.js("""
                window.csv = null; const original = URL.createObjectURL;
                URL.createObjectURL = (blob) => { blob.text().then(text => { window.csv = text; }); return original(blob); };""");
        station.find("#audit-csv").click();
        station.waiting().until(d -> station.js("return window.csv") != null);
        List<String> lines = List.of(station.js("return window.csv").toString().split("\r?\n"));
        assertEquals(radiologistViews + 1, lines.size(), "a header and exactly the records shown: " + lines);
        assertTrue(lines.get(0).startsWith("sequence,recorded_at,actor_type,actor,action"));
        assertTrue(lines.subList(1, lines.size()).stream().allMatch(line -> line.contains(",radiologist,study.view,")), lines.toString());
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'audit.export' AND actor = 'compliance'"
                + " AND study_uid = ?", study));
        assertEquals(List.of(), problems, "no serious or critical axe-core violations for compliance officers");
        station.find("#audit-back").click();
        station.waiting().until(d -> d.findElement(By.id("worklist")).isDisplayed());
    }

    /** Not shown and not hidden either: the patient's name is nowhere in the DOM or the page's storage. */
    private void assertNoPatientDataInThePage(String when) {
        String page = (String) station.js("return document.documentElement.outerHTML + JSON.stringify(localStorage)"
                + " + JSON.stringify(sessionStorage) + document.title");
        assertFalse(page.contains("SAFE"), "no patient name left anywhere in the page " + when);
        assertEquals(0L, ((Number) station.js("return document.querySelectorAll('#rows tbody tr, #thumbnails img').length"))
                .longValue(), "no rows or thumbnails left " + when);
    }

    private void setDates(String from, String to) {
        station.js("""
                for (const [id, value] of [['audit-from', arguments[0]], ['audit-to', arguments[1]]]) {
                  const input = document.getElementById(id); input.value = value;
                  input.dispatchEvent(new Event('change', {bubbles: true}));
                }""", from, to);
    }

    /** Signs in afresh: whatever the previous test left (a lock, a session) is ended first. */
    private void signIn(Role role) {
        station.js("return fetch('/api/logout', {method: 'POST', headers: {'X-Requested-With': 'cxr-triage'}})");
        station.load();
        station.find("#login-user").clear();
        station.find("#login-user").sendKeys(TestUsers.name(role));
        station.find("#login-password").sendKeys(TestUsers.password(role, server.dataDir()));
        station.find("#login-form button").click();
        station.waiting().until(d -> !d.findElement(By.id("login")).isDisplayed());
        station.pointerAway();
    }
}
