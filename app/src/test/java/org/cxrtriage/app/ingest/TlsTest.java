package org.cxrtriage.app.ingest;

import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ServerProcess;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.TestPki;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole server with TLS configured: a modality with a CA-signed certificate stores over DICOM
 * TLS, one without is refused and audited, and the web port answers over HTTPS.
 */
class TlsTest {

    @TempDir
    Path dir;

    @Test
    void dicomTlsAndHttpsServeAndRefuseAsConfigured() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        int httpsPort = ServerProcess.freePort();
        int httpPort = ServerProcess.freePort();
        Map<String, Object> tls = Map.ofEntries(
                Map.entry("micronaut.server.port", httpPort),
                Map.entry("triage.dicom.tls.port", 0),
                Map.entry("triage.dicom.tls.keystore", pki.serverKeystore().toString()),
                Map.entry("triage.dicom.tls.keystore-password", TestPki.PASSWORD),
                Map.entry("triage.dicom.tls.truststore", pki.truststore().toString()),
                Map.entry("triage.dicom.tls.truststore-password", TestPki.PASSWORD),
                Map.entry("triage.dicom.tls.client-auth", "required"),
                Map.entry("micronaut.ssl.enabled", true),
                Map.entry("micronaut.server.dual-protocol", true),
                Map.entry("micronaut.ssl.port", httpsPort),
                Map.entry("micronaut.ssl.key-store.path", "file:" + pki.serverKeystore()),
                Map.entry("micronaut.ssl.key-store.password", TestPki.PASSWORD),
                Map.entry("micronaut.ssl.key-store.type", "PKCS12"));
        try (TriageServer server = TriageServer.start(Database.H2, dir.resolve("data"), tls)) {
            int tlsPort = server.context().getBean(DicomListener.class).tlsScp().orElseThrow().localPort();
            PhantomIdentity study = PhantomIdentity.newStudy();
            Path file = dir.resolve("study.dcm");
            Transcoder.write(PhantomSpec.chestCr(study, 5).withSize(256, 256), Encoding.EXPLICIT_LITTLE_ENDIAN, file);

            Dcmtk.StoreRun refused = Dcmtk.store(tlsPort, "CXRTRIAGE", "NOCERT", List.of(file), pki.dcmtkAnonymous());
            assertFalse(refused.allSucceeded(1), refused.output());
            Dcmtk.StoreRun plain = Dcmtk.store(tlsPort, "CXRTRIAGE", "PLAIN", List.of(file));
            assertFalse(plain.allSucceeded(1), plain.output());
            Dcmtk.StoreRun stored = Dcmtk.store(tlsPort, "CXRTRIAGE", "SECUREMOD", List.of(file), pki.dcmtkClient());
            assertTrue(stored.allSucceeded(1), stored.output());
            server.awaitCount(1, "SELECT COUNT(*) FROM instance WHERE calling_ae_title = 'SECUREMOD'");
            server.awaitCount(2, "SELECT COUNT(*) FROM audit_record WHERE action = 'dicom.association' AND outcome = 'FAILURE'"
                    + " AND details LIKE '%TLS handshake failed%'"); // refused TLS connections are audited

            HttpClient https = HttpClient.newBuilder().sslContext(trusting(pki)).build();
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort
                    + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"tlsPort\":" + tlsPort), health.body());
            HttpResponse<String> login = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort
                    + "/api/login")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                    "{\"user\":\"radiologist\",\"password\":\"radiologist-secret-pw\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode(), login.body());
            assertTrue(login.headers().firstValue("set-cookie").orElseThrow().contains("; Secure"), "Secure cookie over HTTPS");
            assertEquals(200, https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpsPort + "/fhir/Task"))
                    .header("Authorization", server.basic(Role.INTEGRATION)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());

            // Plain HTTP still answers probes, but carries no credentials or patient data.
            HttpClient plainHttp = HttpClient.newHttpClient();
            URI plainBase = URI.create("http://127.0.0.1:" + httpPort);
            assertEquals(200, plainHttp.send(HttpRequest.newBuilder(plainBase.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            for (String path : List.of("/api/worklist", "/fhir/Task")) {
                HttpResponse<String> refusedPlain = plainHttp.send(HttpRequest.newBuilder(plainBase.resolve(path))
                        .header("Authorization", server.basic(Role.INTEGRATION)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(403, refusedPlain.statusCode(), path);
                assertTrue(refusedPlain.body().contains("HTTPS is required: use https://127.0.0.1:" + httpsPort),
                        refusedPlain.body());
            }
        }
    }

    @Test
    void environmentVariablesTurnOnBothListenersAsTheReadmeSays() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        int httpsPort = ServerProcess.freePort();
        int dicomTlsPort = ServerProcess.freePort();
        Map<String, String> environment = Map.of(
                "TRIAGE_HTTPS_KEYSTORE", pki.serverKeystore().toString(),
                "TRIAGE_HTTPS_KEYSTORE_PASSWORD", TestPki.PASSWORD,
                "TRIAGE_HTTPS_PORT", Integer.toString(httpsPort),
                "TRIAGE_DICOM_TLS_PORT", Integer.toString(dicomTlsPort),
                "TRIAGE_DICOM_TLS_KEYSTORE", pki.serverKeystore().toString(),
                "TRIAGE_DICOM_TLS_KEYSTORE_PASSWORD", TestPki.PASSWORD);
        try (ServerProcess server = ServerProcess.start(dir.resolve("data"), environment, dir.resolve("server.log"))) {
            HttpResponse<String> health = HttpClient.newBuilder().sslContext(trusting(pki)).build().send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + httpsPort + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            Dcmtk.Result echo = Dcmtk.run(List.of("echoscu", "-aec", "CXRTRIAGE", "+tla", "+cf", pki.caCertificate().toString(),
                    "127.0.0.1", Integer.toString(dicomTlsPort)));
            assertEquals(0, echo.exitCode(), echo.output());
        }
    }

    private static SSLContext trusting(TestPki pki) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pki.truststore())) {
            trust.load(in, TestPki.PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
