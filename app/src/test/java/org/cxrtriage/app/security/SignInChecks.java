package org.cxrtriage.app.security;

import org.cxrtriage.app.support.CliProcess;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.app.support.TriageServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Users and sign-in against a running server: the first administrator, the web session cookie,
 * bearer tokens, throttling, and user management from the command line while the server runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SignInChecks {

    private final Database database;

    SignInChecks(Database database) {
        this.database = database;
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private Path dir;
    private TriageServer server;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("sign-in");
        // Every refusal gets a record of its own here, so the tests can count them (HttpExhaustionTest
        // checks the per-address summary).
        server = TriageServer.start(database, dir.resolve("data"), Map.of("triage.audit.refusals-per-window", 100_000));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void firstStartCreatesAnAdministratorWhosePasswordOnlyTheOwnerCanRead() throws Exception {
        Path file = server.dataDir().resolve("initial-admin-password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(20, Files.readString(file).trim().length());
        assertEquals(200, get("/api/me", server.basic(Role.ADMIN)).statusCode());
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'user.add' AND actor_type = 'SYSTEM'"
                + " AND resources = '[\"User/admin\"]'"));
        String hash = (String) server.query("SELECT password_hash FROM app_user WHERE name = 'admin'").get(0).get(0);
        assertTrue(hash.startsWith("$2b$12$"), "bcrypt with cost 12: " + hash);
    }

    @Test
    void webSignInSetsAnHttpOnlySameSiteCookieThatWorksUntilSignOut() throws Exception {
        HttpResponse<String> login = post("/api/login", "{\"user\":\"radiologist\",\"password\":\"radiologist-secret-pw\"}", null);
        assertEquals(200, login.statusCode(), login.body());
        String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
        String cookie = setCookie.split(";")[0];
        HttpResponse<String> me = http.send(HttpRequest.newBuilder(server.uri("/api/me")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(me.body().contains("\"role\":\"RADIOLOGIST\""), me.body());
        // The same session works for FHIR, which HAPI serves outside Micronaut's filters.
        assertEquals(200, http.send(HttpRequest.newBuilder(server.uri("/fhir/Task")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        post("/api/logout", "", cookie);
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'logout' AND actor = 'radiologist'"));
        // Signing out ends the session on the server: the same cookie no longer works anywhere.
        assertEquals(401, http.send(HttpRequest.newBuilder(server.uri("/api/me")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(401, http.send(HttpRequest.newBuilder(server.uri("/fhir/Task")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void apiClientsGetABearerTokenWithBasicCredentials() throws Exception {
        HttpResponse<String> token = http.send(server.as(Role.INTEGRATION, "/api/token")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        String bearer = token.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
        assertEquals(200, get("/fhir/Task", "Bearer " + bearer).statusCode());
        assertEquals(401, get("/fhir/Task", "Bearer " + bearer.substring(0, bearer.length() - 2) + "xx").statusCode());
        HttpResponse<String> logout = http.send(HttpRequest.newBuilder(server.uri("/api/logout"))
                .header("Authorization", "Bearer " + bearer).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, logout.statusCode(), logout.body());
        assertEquals(401, get("/fhir/Task", "Bearer " + bearer).statusCode(), "a signed-out token is dead at once");
    }

    @Test
    void repeatedWrongPasswordsAreThrottledEvenForTheRightOneAndAudited() throws Exception {
        assertEquals(0, cli("guessed-at-pw-123\n", "user", "add", "target", "--role", "RADIOLOGIST",
                "--password-stdin", "--data-dir", server.dataDir().toString()).exitCode());
        for (int i = 0; i < LoginThrottle.FREE_ATTEMPTS; i++) {
            assertEquals(401, get("/fhir/Task", basic("target", "wrong-" + i)).statusCode());
        }
        HttpResponse<String> right = get("/fhir/Task", basic("target", "guessed-at-pw-123"));
        assertEquals(429, right.statusCode(), right.body());
        assertTrue(right.headers().firstValue("Retry-After").isPresent());
        HttpResponse<String> web = post("/api/login", "{\"user\":\"target\",\"password\":\"guessed-at-pw-123\"}", null);
        assertEquals(429, web.statusCode(), web.body());
        assertEquals(LoginThrottle.FREE_ATTEMPTS + 2, server.count(
                "SELECT COUNT(*) FROM audit_record WHERE action = 'login.failed' AND actor = 'target' AND outcome = 'FAILURE'"));
    }

    @Test
    void usersAreManagedFromTheCommandLineWhileTheServerRuns() throws Exception {
        String data = server.dataDir().toString();
        CliProcess added = cli("a-long-enough-pw\n", "user", "add", "dr.house", "--role", "radiologist",
                "--password-stdin", "--data-dir", data);
        assertEquals(0, added.exitCode(), added.output());
        HttpResponse<String> beforeOwnPassword = get("/api/worklist", basic("dr.house", "a-long-enough-pw"));
        assertEquals(403, beforeOwnPassword.statusCode(), "the operator chose the password, so no patient data yet");
        assertTrue(beforeOwnPassword.body().contains("set your own password"), beforeOwnPassword.body());
        chooseOwnPassword("dr.house", "a-long-enough-pw", "house-own-password");
        assertEquals(200, get("/api/worklist", basic("dr.house", "house-own-password")).statusCode());

        CliProcess list = cli(null, "user", "list", "--data-dir", data);
        assertTrue(list.output().lines().anyMatch(line -> line.startsWith("dr.house") && line.contains("RADIOLOGIST")
                && line.contains("active")), list.output());

        CliProcess passwd = cli("another-long-pw\n", "user", "passwd", "dr.house", "--password-stdin",
                "--data-dir", data);
        assertEquals(0, passwd.exitCode(), passwd.output());
        Thread.sleep(5500); // other processes' changes reach a running server within 5 s
        assertEquals(401, get("/api/worklist", basic("dr.house", "house-own-password")).statusCode());
        assertEquals(403, get("/api/worklist", basic("dr.house", "another-long-pw")).statusCode(), "reset by the operator");
        chooseOwnPassword("dr.house", "another-long-pw", "house-second-own-pw");
        assertEquals(200, get("/api/worklist", basic("dr.house", "house-second-own-pw")).statusCode());

        assertEquals(0, cli(null, "user", "disable", "dr.house", "--data-dir", data).exitCode());
        Thread.sleep(5500);
        assertEquals(401, get("/api/worklist", basic("dr.house", "house-second-own-pw")).statusCode());

        List<List<Object>> changes = server.query("SELECT action, actor FROM audit_record WHERE resources = '[\"User/dr.house\"]'"
                + " ORDER BY sequence");
        assertEquals(List.of("user.add", "user.passwd", "user.passwd", "user.passwd", "user.disable"),
                changes.stream().map(row -> (String) row.get(0)).toList());
        assertEquals(List.of(true, false, true, false, true), changes.stream()
                .map(row -> ((String) row.get(1)).startsWith("os:")).toList(),
                "the operating-system user for the command line, the user for their own password");
    }

    @Test
    void badCommandLineInputGetsAClearMessage() throws Exception {
        String data = server.dataDir().toString();
        CliProcess role = cli("a-long-enough-pw\n", "user", "add", "x", "--role", "surgeon",
                "--password-stdin", "--data-dir", data);
        assertEquals(2, role.exitCode());
        assertTrue(role.output().contains("unknown role 'surgeon': use one of RADIOLOGIST, COMPLIANCE, ADMIN, INTEGRATION"),
                role.output());
        CliProcess weak = cli("short\n", "user", "add", "x", "--role", "radiologist", "--password-stdin",
                "--data-dir", data);
        assertEquals(2, weak.exitCode());
        assertTrue(weak.output().contains("at least 12 characters"), weak.output());
        CliProcess missing = cli(null, "user", "disable", "nobody", "--data-dir", data);
        assertEquals(2, missing.exitCode());
        assertTrue(missing.output().contains("no user 'nobody'"), missing.output());
        CliProcess lastAdmin = cli(null, "user", "disable", "admin", "--data-dir", data);
        assertEquals(2, lastAdmin.exitCode());
        assertTrue(lastAdmin.output().contains("the last active administrator"), lastAdmin.output());
    }

    @Test
    void administratorsManageUsersOverHttpAndDisablingEndsSessionsAtOnce() throws Exception {
        HttpResponse<String> created = http.send(server.as(Role.ADMIN, "/api/admin/users").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"dr.cuddy\",\"role\":\"COMPLIANCE\",\"password\":\"compliance-pw-42\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, created.statusCode(), created.body());
        String cookie = post("/api/login", "{\"user\":\"dr.cuddy\",\"password\":\"compliance-pw-42\"}", null)
                .headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        assertEquals(200, http.send(HttpRequest.newBuilder(server.uri("/api/me")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, http.send(server.as(Role.ADMIN, "/api/admin/users/dr.cuddy/disable")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(401, http.send(HttpRequest.newBuilder(server.uri("/api/me")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> weak = http.send(server.as(Role.ADMIN, "/api/admin/users").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"role\":\"ADMIN\",\"password\":\"short\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(422, weak.statusCode());
        assertTrue(weak.body().contains("at least 12 characters"), weak.body());
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'user.disable' AND actor = 'admin'"
                + " AND resources = '[\"User/dr.cuddy\"]'"));
        assertFalse(server.query("SELECT name FROM app_user").isEmpty());
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void guessesInParallelAreCheckedAtMostFiveTimesAndBlockOnlyThatAddress() throws Exception {
        assertEquals(0, cli("parallel-target-pw\n", "user", "add", "parallel", "--role", "RADIOLOGIST", "--password-stdin",
                "--data-dir", server.dataDir().toString()).exitCode());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(40);
        List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String guess = "wrong-guess-" + i;
            answers.add(pool.submit(() -> get("/api/me", basic("parallel", guess)).statusCode()));
        }
        List<Integer> statuses = new java.util.ArrayList<>();
        for (var answer : answers) {
            statuses.add(answer.get());
        }
        pool.shutdown();

        assertTrue(statuses.stream().filter(status -> status == 401).count() <= LoginThrottle.FREE_ATTEMPTS, statuses.toString());
        assertTrue(statuses.stream().filter(status -> status == 429).count() >= 40 - LoginThrottle.FREE_ATTEMPTS, statuses.toString());
        assertEquals(LoginThrottle.FREE_ATTEMPTS, ((Number) server.query(
                "SELECT failures FROM login_throttle WHERE name = 'parallel'").get(0).get(0)).intValue(),
                "only five passwords were checked");
        assertEquals(429, get("/api/me", basic("parallel", "parallel-target-pw")).statusCode(), "this address waits");
        org.cxrtriage.app.support.RawHttp.Response elsewhere = org.cxrtriage.app.support.RawHttp.send(server.httpPort(),
                "127.0.0.2", org.cxrtriage.app.support.RawHttp.get("/api/me", "localhost",
                        "Authorization: " + basic("parallel", "parallel-target-pw") + "\r\n"));
        assertEquals(200, elsewhere.status(), "the user signs in from an address without failures: " + elsewhere.body());
        assertEquals(1, server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'login.blocked' AND actor = 'parallel'"
                + " AND source = '127.0.0.1'"));
    }

    @Test
    void idleAndOldSessionsEnd() throws Exception {
        String idle = signIn("radiologist", "radiologist-secret-pw");
        String old = signIn("radiologist", "radiologist-secret-pw");
        assertEquals(200, withCookie("/api/me", idle).statusCode());
        assertEquals(1, server.update("UPDATE user_session SET last_seen_at = ? WHERE id = ?",
                java.time.OffsetDateTime.now().minusMinutes(31), SessionStore.idOf(token(idle))));
        assertEquals(1, server.update("UPDATE user_session SET expires_at = ? WHERE id = ?",
                java.time.OffsetDateTime.now().minusSeconds(1), SessionStore.idOf(token(old))));
        assertEquals(401, withCookie("/api/me", idle).statusCode(), "unused for longer than the idle timeout (30 min)");
        assertEquals(401, withCookie("/api/me", old).statusCode(), "older than the maximum age");
    }

    @Test
    void anAccountWhosePasswordAnAdministratorChoseReadsNoPatientDataUntilItsOwnerChoosesOne() throws Exception {
        assertEquals(200, http.send(server.as(Role.ADMIN, "/api/admin/users").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"dr.wilson\",\"role\":\"RADIOLOGIST\",\"password\":\"admin-chosen-pw\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> login = post("/api/login", "{\"user\":\"dr.wilson\",\"password\":\"admin-chosen-pw\"}", null);
        assertTrue(login.body().contains("\"mustChangePassword\":true"), login.body());
        String cookie = login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        HttpResponse<String> worklist = withCookie("/api/worklist", cookie);
        assertEquals(403, worklist.statusCode());
        assertTrue(worklist.body().contains("set your own password"), worklist.body());
        assertEquals(403, withCookie("/fhir/Task", cookie).statusCode());
        assertEquals(400, post("/api/me/password", "{\"current\":\"not-the-password\",\"password\":\"wilson-own-password\"}",
                cookie).statusCode());

        HttpResponse<String> chosen = post("/api/me/password",
                "{\"current\":\"admin-chosen-pw\",\"password\":\"wilson-own-password\"}", cookie);
        assertEquals(200, chosen.statusCode(), chosen.body());
        String fresh = chosen.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        assertEquals(401, withCookie("/api/me", cookie).statusCode(), "the session opened with the chosen-for-you password ended");
        assertEquals(200, withCookie("/api/worklist", fresh).statusCode());

        assertEquals(200, http.send(server.as(Role.ADMIN, "/api/admin/users/dr.wilson/password").header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"password\":\"admin-reset-pw-1\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(401, withCookie("/api/me", fresh).statusCode(), "a reset ends the user's sessions");
        String afterReset = signIn("dr.wilson", "admin-reset-pw-1");
        assertEquals(403, withCookie("/api/worklist", afterReset).statusCode(), "reset by an administrator: no patient data");
        List<List<Object>> steps = server.query("SELECT action, actor FROM audit_record WHERE resources = '[\"User/dr.wilson\"]'"
                + " ORDER BY sequence");
        assertEquals(List.of(List.of("user.add", "admin"), List.of("user.passwd", "dr.wilson"), List.of("user.passwd", "admin")),
                steps);
    }

    @Test
    void aCookieSessionMustProveItsChangesComeFromTheWorklistPageItself() throws Exception {
        String cookie = signIn("radiologist", "radiologist-secret-pw");
        String origin = "http://127.0.0.1:" + server.httpPort();
        assertEquals(403, change(cookie, Map.of()).status(), "a bodiless form POST from another page");
        assertEquals(403, change(cookie, Map.of("X-Requested-With", "cxr-triage", "Origin", "http://127.0.0.1:8042"))
                .status(), "from Orthanc's web UI on another port of the same host");
        assertEquals(403, change(cookie, Map.of("X-Requested-With", "cxr-triage", "Sec-Fetch-Site", "same-site")).status());
        assertEquals(404, change(cookie, Map.of("X-Requested-With", "cxr-triage", "Origin", origin,
                "Sec-Fetch-Site", "same-origin")).status(), "the page itself gets through (to an unknown study)");
        assertEquals(404, http.send(server.as(Role.RADIOLOGIST, "/api/studies/1.2.3.4/review")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "Basic and bearer clients carry no cookie and need no proof");
        assertTrue(server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'access.denied'"
                + " AND details LIKE 'cross-site request refused%'") >= 3);
    }

    /** A POST written by hand: browsers send Origin and Sec-Fetch-Site, which Java's client may not set. */
    private org.cxrtriage.app.support.RawHttp.Response change(String cookie, Map<String, String> headers) throws Exception {
        StringBuilder request = new StringBuilder("POST /api/studies/1.2.3.4/review HTTP/1.1\r\nHost: 127.0.0.1:"
                + server.httpPort() + "\r\nCookie: " + cookie + "\r\nContent-Length: 0\r\nConnection: close\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        return org.cxrtriage.app.support.RawHttp.send(server.httpPort(), null, request.append("\r\n").toString());
    }

    private String signIn(String user, String password) throws Exception {
        HttpResponse<String> login = post("/api/login", "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}", null);
        assertEquals(200, login.statusCode(), login.body());
        return login.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
    }

    private static String token(String cookie) {
        return cookie.substring(cookie.indexOf('=') + 1);
    }

    private HttpResponse<String> withCookie(String path, String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in with the password somebody else chose and replaces it, as the web page's form does. */
    private void chooseOwnPassword(String user, String current, String chosen) throws Exception {
        String cookie = post("/api/login", "{\"user\":\"" + user + "\",\"password\":\"" + current + "\"}", null)
                .headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        HttpResponse<String> changed = post("/api/me/password", "{\"current\":\"" + current + "\",\"password\":\""
                + chosen + "\"}", cookie);
        assertEquals(200, changed.statusCode(), changed.body());
    }

    /** A POST as the web page sends it (with the header that proves it came from the page itself). */
    private HttpResponse<String> post(String path, String json, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .header("X-Requested-With", "cxr-triage")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code ./cxr-triage} tool run against this test's server database. */
    private CliProcess cli(String stdin, String... args) throws Exception {
        return CliProcess.runWith(server.databaseEnvironment(), stdin, args);
    }
}
