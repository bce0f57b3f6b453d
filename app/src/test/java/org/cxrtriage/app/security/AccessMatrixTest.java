package org.cxrtriage.app.security;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every web page, JSON endpoint and FHIR interaction, called anonymously and as each role,
 * against a running server: allowed, 401 or 403 exactly as the README's table says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {

    /** The expected answer: allowed (any status but 401/403, and no server error), 401 or 403. */
    enum Expect { OK, UNAUTHORIZED, FORBIDDEN }

    private static final Expect O = Expect.OK;
    private static final Expect U = Expect.UNAUTHORIZED;
    private static final Expect F = Expect.FORBIDDEN;

    private record Call(String method, String path, String body, Expect anonymous, Expect radiologist, Expect compliance,
                        Expect admin, Expect integration) {
        Expect expected(Optional<Role> role) {
            if (role.isEmpty()) {
                return anonymous;
            }
            return switch (role.get()) {
                case RADIOLOGIST -> radiologist;
                case COMPLIANCE -> compliance;
                case ADMIN -> admin;
                case INTEGRATION -> integration;
            };
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private Path dir;
    private TriageServer server;
    private String study;
    private String task;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("access-matrix");
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of());
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path file = dir.resolve("study.dcm");
        Transcoder.write(PhantomSpec.chestCr(identity, 1).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file));
        server.awaitCount(1, "SELECT COUNT(*) FROM finding_result");
        study = identity.studyInstanceUid();
        task = send("GET", "/fhir/Task/" + study, null, Optional.of(Role.RADIOLOGIST)).body();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void everyEndpointAnswersEachRoleAsDocumented() throws Exception {
        long finding = server.count("SELECT MIN(id) FROM finding_result");
        String sop = (String) server.query("SELECT sop_instance_uid FROM instance").get(0).get(0);
        long result = server.count("SELECT MIN(id) FROM triage_result WHERE shadow = FALSE");
        String activeVersion = (String) server.query("SELECT version FROM model_version WHERE state = 'active'").get(0).get(0);
        String comparison = "/api/admin/models/cxr-reference/" + activeVersion + "/comparison";
        String feedback = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"agree\",\"valueBoolean\":true}]}";
        List<Call> calls = List.of(
                // web page and service endpoints       anon radiol compl admin integr
                new Call("GET", "/", null,                   O, O, O, O, O),
                new Call("GET", "/app.js", null,             O, O, O, O, O),
                new Call("GET", "/health", null,             O, O, O, O, O),
                new Call("GET", "/prometheus", null,         U, F, F, O, O),
                new Call("POST", "/admin/models/reload", "", U, F, F, O, F),
                // JSON API behind the page
                new Call("GET", "/api/me", null,             U, O, O, O, O),
                new Call("GET", "/api/me/preferences", null, U, O, O, O, O),
                new Call("POST", "/api/me/preferences", "{\"sound\":false}", U, O, O, O, O),
                new Call("POST", "/api/me/lock", "",         U, O, O, O, O),
                new Call("POST", "/api/me/unlock", "{\"password\":\"not-it\"}", U, O, O, O, O),
                new Call("POST", "/api/token", "",           U, O, O, O, O),
                new Call("GET", "/api/worklist", null,       U, O, O, F, O),
                new Call("GET", "/api/worklist/version", null, U, O, O, F, O),
                new Call("GET", "/api/summary", null,        U, O, O, F, O),
                new Call("GET", "/api/studies/" + study, null, U, O, O, F, O),
                new Call("GET", "/api/studies/" + study + "/preview.png", null, U, O, O, F, O),
                new Call("GET", "/api/studies/" + study + "/images/" + sop + "/pixels", null, U, O, O, F, O),
                new Call("GET", "/api/studies/" + study + "/images/" + sop + "/thumbnail.png", null, U, O, O, F, O),
                new Call("GET", "/api/studies/" + study + "/audit", null, U, F, O, F, F),
                new Call("GET", "/api/studies/" + study + "/audit.csv", null, U, F, O, F, F),
                new Call("POST", "/api/studies/" + study + "/open", "", U, O, F, F, F),
                new Call("POST", "/api/studies/" + study + "/claim", "", U, O, F, F, F),
                new Call("POST", "/api/studies/" + study + "/release", "", U, O, F, F, F),
                new Call("POST", "/api/studies/" + study + "/review", "", U, O, F, F, F),
                new Call("POST", "/api/studies/" + study + "/undo-review", "", U, O, F, F, F),
                new Call("POST", "/api/findings/" + finding + "/feedback", "{\"agree\":true}", U, O, F, F, F),
                new Call("POST", "/api/findings/" + finding + "/feedback", "{\"agree\":false,\"reason\":\"poor-image\"}",
                        U, O, F, F, F),
                new Call("GET", "/api/findings/" + finding + "/heatmap.png", null, U, O, O, F, O),
                new Call("GET", "/api/admin/users", null,    U, F, F, O, F),
                new Call("GET", "/api/admin/warnings", null, U, F, F, O, F),
                // population monitoring: the page's assets are open; its data is not patient data but is not public
                new Call("GET", "/monitoring.html", null,    O, O, O, O, O),
                new Call("GET", "/api/monitoring", null,     U, F, O, O, O),
                new Call("GET", "/api/monitoring/history?days=7", null, U, F, O, O, O),
                new Call("GET", "/api/monitoring/banner", null, U, O, O, O, O),
                new Call("POST", "/api/monitoring/acknowledge", "{\"reason\":\"checked\"}", U, F, F, O, F),
                new Call("POST", "/api/admin/users/radiologist/enable", "", U, F, F, O, F),
                new Call("GET", "/api/admin/deliveries", null, U, F, F, O, F),
                new Call("POST", "/api/admin/deliveries/retry", "", U, F, F, O, F),
                new Call("POST", "/api/admin/deliveries/retry", "{\"ids\":[1]}", U, F, F, O, F),
                // model rollout: the comparison lists disagreeing studies (accession numbers), administrators only
                new Call("GET", "/comparison.html", null,    O, O, O, O, O),
                new Call("GET", "/api/admin/models", null,   U, F, F, O, F),
                // (this administrator still has the password the server generated: no patient data until they set their own)
                new Call("GET", comparison, null,            U, F, F, F, F),
                new Call("GET", comparison + "/", null,      U, F, F, F, F),
                new Call("GET", "/api/admin/models/cxr-reference/no-such-version/comparison", null, U, F, F, F, F),
                // FHIR
                new Call("GET", "/fhir/metadata", null,      O, O, O, O, O),
                new Call("GET", "/fhir/Task", null,          U, O, O, F, O),
                new Call("GET", "/fhir/Task/" + study, null, U, O, O, F, O),
                new Call("GET", "/fhir/ImagingStudy", null,  U, O, O, F, O),
                new Call("GET", "/fhir/ImagingStudy/" + study, null, U, O, O, F, O),
                new Call("GET", "/fhir/Patient", null,       U, O, O, F, O),
                new Call("GET", "/fhir/Observation", null,   U, O, O, F, O),
                new Call("GET", "/fhir/DiagnosticReport", null, U, O, O, F, O),
                new Call("GET", "/fhir/Device", null,        U, O, O, F, O),
                new Call("GET", "/fhir/Provenance", null,    U, O, O, F, O),
                new Call("GET", "/fhir/Binary/sr-r" + result, null, U, O, O, F, O),
                new Call("GET", "/fhir/Task?_include=Task:focus", null, U, O, O, F, O),
                new Call("PUT", "/fhir/Task/" + study, task, U, O, F, F, F),
                new Call("POST", "/fhir/Observation/f" + finding + "/$feedback", feedback, U, O, F, F, F),
                new Call("GET", "/fhir/AuditEvent", null,    U, F, O, F, F),
                new Call("GET", "/fhir/AuditEvent?entity=ImagingStudy/" + study, null, U, F, O, F, F),
                new Call("GET", "/fhir/NoSuchType", null,    U, O, O, F, O));
        List<String> wrong = new ArrayList<>();
        for (Call call : calls) {
            for (Optional<Role> role : roles()) {
                HttpResponse<String> response = send(call.method(), call.path(), call.body(), role);
                Expect expected = call.expected(role);
                Expect actual = response.statusCode() == 401 ? U : response.statusCode() == 403 ? F : O;
                if (actual != expected || response.statusCode() >= 500) {
                    wrong.add(call.method() + " " + call.path() + " as " + role.map(Role::name).orElse("anonymous")
                            + ": expected " + expected + ", got " + response.statusCode() + " " + abbreviated(response.body()));
                }
                if (expected == U && !call.path().startsWith("/fhir") && response.headers().firstValue("WWW-Authenticate").isEmpty()) {
                    wrong.add(call.method() + " " + call.path() + ": 401 without a WWW-Authenticate challenge");
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    private static List<Optional<Role>> roles() {
        List<Optional<Role>> roles = new ArrayList<>();
        roles.add(Optional.empty());
        for (Role role : Role.values()) {
            roles.add(Optional.of(role));
        }
        return roles;
    }

    private HttpResponse<String> send(String method, String path, String body, Optional<Role> role) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", path.startsWith("/fhir") ? "application/fhir+json" : "application/json");
        }
        role.ifPresent(r -> request.header("Authorization", server.basic(r)));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String abbreviated(String body) {
        return body.length() > 160 ? body.substring(0, 160) + "…" : body;
    }
}
