package org.cxrtriage.app.web;

import com.sun.net.httpserver.HttpServer;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.app.support.TriageServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same-site attack, in a real browser: an administrator signed in to the worklist visits a
 * page served from another port of the same host (as Orthanc's web UI would be). SameSite=Strict
 * still sends the cookie there, so the page's bodiless form POST and its fetch() reach the server;
 * they must be refused, and the user they tried to disable stays enabled.
 */
class CrossSitePageTest {

    @TempDir
    Path dir;

    private TriageServer server;
    private HttpServer attacker;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of());
        String target = "http://127.0.0.1:" + server.httpPort() + "/api/admin/users/radiologist/disable";
        attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        page("/form.html", "<form id='f' method='POST' action='" + target + "'></form>"
                + "<script>document.getElementById('f').submit()</script>");
        page("/fetch.html", "<script>fetch('" + target + "', {method: 'POST', credentials: 'include', mode: 'no-cors'})"
                + ".then(() => document.title = 'sent', () => document.title = 'sent')</script>");
        attacker.start();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=1366,768", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort().build(), options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        attacker.stop(0);
        server.close();
    }

    @Test
    void aPageOnAnotherPortOfTheSameHostCannotActWithTheAdministratorsSession() throws Exception {
        browser.get("http://127.0.0.1:" + server.httpPort() + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> d.findElement(By.id("login")).isDisplayed());
        browser.findElement(By.id("login-user")).sendKeys("admin");
        browser.findElement(By.id("login-password")).sendKeys(TestUsers.password(Role.ADMIN, server.dataDir()));
        browser.findElement(By.cssSelector("#login-form button")).click();
        wait.until(d -> d.findElement(By.id("admin")).isDisplayed());

        String origin = "http://127.0.0.1:" + attacker.getAddress().getPort();
        browser.get(origin + "/fetch.html");
        wait.until(d -> "sent".equals(d.getTitle()));
        browser.get(origin + "/form.html");
        wait.until(d -> d.getCurrentUrl().contains("/api/admin/users/radiologist/disable"));
        assertTrue(browser.getPageSource().contains("request refused"), browser.getPageSource());

        assertEquals(Boolean.FALSE, server.query("SELECT disabled FROM app_user WHERE name = 'radiologist'").get(0).get(0),
                "the radiologist is still enabled");
        assertTrue(server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'access.denied'"
                + " AND details LIKE 'cross-site request refused%'") >= 2);
        assertEquals(0, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'user.disable'"));
    }

    private void page(String path, String html) {
        attacker.createContext(path, exchange -> {
            byte[] body = ("<!doctype html><title>innocent</title>" + html).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }
}
