package org.cxrtriage.app.support;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A reading-room workstation for browser tests: headless Chromium (Debian's chromium and
 * chromedriver) with an exact viewport size, signing in, screenshots at the two screen sizes the
 * issue names (1920x1080 and 1366x768, kept in app/target/screenshots), and axe-core.
 */
public final class Workstation implements AutoCloseable {

    public static final int[][] SIZES = {{1920, 1080}, {1366, 768}};

    private final ChromeDriver browser;
    private final String base;
    private int width = 1920;
    private int height = 1080;

    private Workstation(ChromeDriver browser, String base) {
        this.browser = browser;
        this.base = base;
    }

    /** A browser with its own profile under {@code dir}, notifications allowed for the page. */
    public static Workstation open(Path dir, TriageServer server) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--autoplay-policy=no-user-gesture-required", "--window-size=1920,1080",
                "--user-data-dir=" + Files.createDirectories(dir));
        options.setExperimentalOption("prefs", Map.of("profile.default_content_setting_values.notifications", 1));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        Workstation workstation = new Workstation(new ChromeDriver(service, options), "http://127.0.0.1:" + server.httpPort());
        workstation.size(1920, 1080);
        return workstation;
    }

    public ChromeDriver browser() {
        return browser;
    }

    public WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /** The viewport exactly this size (CSS pixels, device pixel ratio 1). */
    public void size(int width, int height) {
        this.width = width;
        this.height = height;
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", false));
    }

    public void load() {
        browser.get(base + "/");
        waiting().until(d -> d.findElement(By.id("login")).isDisplayed());
    }

    public void signIn(String user, String password) {
        load();
        browser.findElement(By.id("login-user")).sendKeys(user);
        browser.findElement(By.id("login-password")).sendKeys(password);
        browser.findElement(By.cssSelector("#login-form button")).click();
        waiting().until(d -> !d.findElement(By.id("login")).isDisplayed());
        pointerAway();
    }

    /** Moves the pointer onto the page title, out of the list (rows are held still while it is over them). */
    public void pointerAway() {
        new Actions(browser).moveToElement(browser.findElement(By.cssSelector(".bar h1"))).perform();
    }

    public void keys(CharSequence... keys) {
        new Actions(browser).sendKeys(keys).perform();
    }

    public WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    public Object js(String script, Object... arguments) {
        return ((JavascriptExecutor) browser).executeScript(script, arguments);
    }

    /** A screenshot at the current size, named with it. */
    public Path screenshot(String name) throws Exception {
        Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name + "-" + width + "x" + height + ".png");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), target,
                StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Screenshots at both sizes, then back to 1920x1080. {@code check} runs at each size (e.g. an assertion). */
    public void screenshots(String name, SizeCheck check) throws Exception {
        for (int[] size : SIZES) {
            size(size[0], size[1]);
            Thread.sleep(300);
            check.at(size[0], size[1]);
            screenshot(name);
        }
        size(1920, 1080);
        Thread.sleep(200);
    }

    public void screenshots(String name) throws Exception {
        screenshots(name, (w, h) -> {
        });
    }

    /** Run at each screen size before its screenshot. */
    public interface SizeCheck {
        void at(int width, int height) throws Exception;
    }

    /** Serious and critical axe-core violations on the page as it is, one line each (empty when none). */
    public List<String> accessibilityProblems() {
        Results results = new AxeBuilder().analyze(browser);
        return results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(Workstation::describe).toList();
    }

    private static String describe(Rule rule) {
        return rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + " at " + rule.getNodes().stream()
                .limit(5).map(node -> String.valueOf(node.getTarget())).collect(Collectors.joining("; "));
    }

    /** Rows of the worklist wholly visible in its scrolling box and in the window. */
    public long rowsVisible() {
        return ((Number) js("""
                const wrap = document.getElementById('table-wrap').getBoundingClientRect();
                const head = document.querySelector('#rows thead').getBoundingClientRect();
                return [...document.querySelectorAll('#rows tbody tr')].filter(tr => {
                  const r = tr.getBoundingClientRect();
                  return r.top >= head.bottom - 1 && r.bottom <= Math.min(wrap.bottom, window.innerHeight) + 1 && r.height > 0;
                }).length;""")).longValue();
    }

    /** Prints a measured number and appends it to target/screenshots/measurements.txt for the report. */
    public static void measured(String what, Object value) throws java.io.IOException {
        String line = what + ": " + value;
        System.out.println("MEASURED " + line);
        Files.writeString(Files.createDirectories(Path.of("target", "screenshots")).resolve("measurements.txt"),
                java.time.Instant.now() + " " + line + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    @Override
    public void close() {
        browser.quit();
    }
}
