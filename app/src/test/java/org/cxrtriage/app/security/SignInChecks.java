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
        server = TriageServer.start(database, dir.resolve("data"), Map.of());
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
                + " AND resources = 'User/admin'"));
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
    }

    @Test
    void apiClientsGetABearerTokenWithBasicCredentials() throws Exception {
        HttpResponse<String> token = http.send(server.as(Role.INTEGRATION, "/api/token")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        String bearer = token.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
        assertEquals(200, get("/fhir/Task", "Bearer " + bearer).statusCode());
        assertEquals(401, get("/fhir/Task", "Bearer " + bearer.substring(0, bearer.length() - 2) + "xx").statusCode());
    }

    @Test
    void repeatedWrongPasswordsAreThrottledEvenForTheRightOneAndAudited() throws Exception {
        assertEquals(0, cli("guessed-at-pw-123\n", "user", "add", "target", "--role", "RADIOLOGIST",
                "--password-stdin", "--data-dir", server.dataDir().toString()).exitCode());
        for (int i = 0; i < LoginThrottle.PER_NAME; i++) {
            assertEquals(401, get("/fhir/Task", basic("target", "wrong-" + i)).statusCode());
        }
        HttpResponse<String> right = get("/fhir/Task", basic("target", "guessed-at-pw-123"));
        assertEquals(429, right.statusCode(), right.body());
        assertTrue(right.headers().firstValue("Retry-After").isPresent());
        HttpResponse<String> web = post("/api/login", "{\"user\":\"target\",\"password\":\"guessed-at-pw-123\"}", null);
        assertEquals(429, web.statusCode(), web.body());
        assertEquals(LoginThrottle.PER_NAME + 2, server.count(
                "SELECT COUNT(*) FROM audit_record WHERE action = 'login.failed' AND actor = 'target' AND outcome = 'FAILURE'"));
    }

    @Test
    void usersAreManagedFromTheCommandLineWhileTheServerRuns() throws Exception {
        String data = server.dataDir().toString();
        CliProcess added = cli("a-long-enough-pw\n", "user", "add", "dr.house", "--role", "radiologist",
                "--password-stdin", "--data-dir", data);
        assertEquals(0, added.exitCode(), added.output());
        assertEquals(200, get("/api/worklist", basic("dr.house", "a-long-enough-pw")).statusCode());

        CliProcess list = cli(null, "user", "list", "--data-dir", data);
        assertTrue(list.output().lines().anyMatch(line -> line.startsWith("dr.house") && line.contains("RADIOLOGIST")
                && line.contains("active")), list.output());

        CliProcess passwd = cli("another-long-pw\n", "user", "passwd", "dr.house", "--password-stdin",
                "--data-dir", data);
        assertEquals(0, passwd.exitCode(), passwd.output());
        Thread.sleep(5500); // other processes' changes reach a running server within 5 s
        assertEquals(401, get("/api/worklist", basic("dr.house", "a-long-enough-pw")).statusCode());
        assertEquals(200, get("/api/worklist", basic("dr.house", "another-long-pw")).statusCode());

        assertEquals(0, cli(null, "user", "disable", "dr.house", "--data-dir", data).exitCode());
        Thread.sleep(5500);
        assertEquals(401, get("/api/worklist", basic("dr.house", "another-long-pw")).statusCode());

        List<String> actions = server.query("SELECT action FROM audit_record WHERE resources = 'User/dr.house' ORDER BY sequence")
                .stream().map(row -> (String) row.get(0)).toList();
        assertEquals(List.of("user.add", "user.passwd", "user.disable"), actions);
        assertTrue(server.query("SELECT actor FROM audit_record WHERE resources = 'User/dr.house'").stream()
                .allMatch(row -> ((String) row.get(0)).startsWith("os:")), "the operating-system user is the actor");
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
                + " AND resources = 'User/dr.cuddy'"));
        assertFalse(server.query("SELECT name FROM app_user").isEmpty());
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
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
