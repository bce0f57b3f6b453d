package org.cxrtriage.dicom.scp;

import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.StudySpool;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.TestPki;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DICOM over TLS (PS3.15 B.12) against DCMTK's storescu and echoscu and openssl s_client, with real certificates. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DicomTlsTest {

    private Path data;

    private TestPki pki;
    private Path file;
    private RecordingCatalog catalog;
    private StoreScp scp;
    private final List<String> rejections = new CopyOnWriteArrayList<>();

    @BeforeAll
    void certificates() throws Exception {
        data = Files.createTempDirectory("dicom-tls");
        pki = TestPki.create(data.resolve("pki"));
        file = data.resolve("study.dcm");
        Transcoder.write(PhantomSpec.chestCr(PhantomIdentity.newStudy(), 3).withSize(256, 256),
                Encoding.EXPLICIT_LITTLE_ENDIAN, file);
    }

    @AfterEach
    void stop() {
        scp.close();
    }

    @Test
    void storescuOverTlsStoresAndAPlainConnectionIsRefused() throws Exception {
        start(TlsSettings.ClientAuth.NONE);
        Dcmtk.StoreRun secure = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file), pki.dcmtkAnonymous());
        assertTrue(secure.allSucceeded(1), secure.output());
        assertEquals(1, catalog.instances.size());

        Dcmtk.StoreRun plain = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file));
        assertFalse(plain.allSucceeded(1), "plain DICOM to the TLS port must fail: " + plain.output());
        awaitRefusal("not a TLS client");

        Dcmtk.Result echo = Dcmtk.run(List.of("echoscu", "-aec", "CXRTRIAGE", "+tla", "+cf", pki.caCertificate().toString(),
                "127.0.0.1", Integer.toString(scp.localPort())));
        assertEquals(0, echo.exitCode(), "the listener still serves after refusing: " + echo.output());
    }

    @Test
    void aRequiredClientCertificateMustBeSignedByTheTrustedCa() throws Exception {
        start(TlsSettings.ClientAuth.REQUIRED);
        Dcmtk.StoreRun anonymous = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file), pki.dcmtkAnonymous());
        assertFalse(anonymous.allSucceeded(1), "no client certificate: " + anonymous.output());
        awaitRefusal("no client certificate");
        Dcmtk.StoreRun stranger = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file), pki.dcmtkStranger());
        assertFalse(stranger.allSucceeded(1), "certificate from an unknown CA: " + stranger.output());
        awaitRefusal("client certificate not signed by a CA in the truststore");
        assertEquals(0, catalog.instances.size());

        Dcmtk.StoreRun trusted = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file), pki.dcmtkClient());
        assertTrue(trusted.allSucceeded(1), trusted.output());
        assertEquals(1, catalog.instances.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1", "-tls1_1"})
    void tlsOlderThan12IsRefusedByTheServer(String protocol) throws Exception {
        start(TlsSettings.ClientAuth.NONE);
        // SECLEVEL=0 lets OpenSSL 3 offer TLS 1.0/1.1 at all; the alert then comes from our server.
        String output = sClient(protocol, "-cipher", "DEFAULT@SECLEVEL=0");
        assertTrue(output.contains("alert protocol version"), output);
        awaitRefusal("TLS 1.2 or later is required");
    }

    @Test
    void tls12NegotiatesAForwardSecretAeadSuite() throws Exception {
        start(TlsSettings.ClientAuth.NONE);
        String output = sClient("-tls1_2");
        assertTrue(output.matches("(?s).*Protocol\\s*: TLSv1\\.2.*"), output);
        assertTrue(output.matches("(?s).*Cipher\\s*: ECDHE-RSA-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305).*"), output);
    }

    /** DCMTK's retired profiles: AES (RSA key exchange, CBC) and authenticated-only NULL encryption. */
    @ParameterizedTest
    @ValueSource(strings = {"+pa", "+pn"})
    void retiredDicomTlsProfilesAreRefused(String profile) throws Exception {
        start(TlsSettings.ClientAuth.NONE);
        Dcmtk.StoreRun retired = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file), "+tla", profile,
                "+cf", pki.caCertificate().toString());
        assertFalse(retired.allSucceeded(1), retired.output());
        awaitRefusal("no cipher suite in common");
        assertEquals(0, catalog.instances.size());
    }

    @Test
    void aStalledHandshakeTimesOutWithoutHoldingUpOtherModalities() throws Exception {
        start(TlsSettings.ClientAuth.NONE, Duration.ofSeconds(3));
        try (Socket silent = new Socket("127.0.0.1", scp.localPort())) {
            Dcmtk.StoreRun secure = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file), pki.dcmtkAnonymous());
            assertTrue(secure.allSucceeded(1), secure.output());
            assertTrue(rejections.isEmpty(), "stored while the silent client's handshake was still pending: " + rejections);
            awaitRefusal("no TLS handshake within 3 s");
        }
    }

    @Test
    void aMissingKeystoreIsNamedAtStart() {
        TlsSettings wrong = new TlsSettings(data.resolve("nope.p12"), "x".toCharArray(), null, null, TlsSettings.ClientAuth.NONE);
        scp = new StoreScp(settings(Duration.ofSeconds(10)), wrong, new InstanceStore(spool(), new RecordingCatalog()), AssociationEvents.NONE);
        Exception e = assertThrows(java.io.IOException.class, scp::start);
        assertTrue(e.getMessage().contains("nope.p12") && e.getMessage().contains("TRIAGE_DICOM_TLS_KEYSTORE"), e.getMessage());
    }

    @Test
    void aTruststoreGivenAsKeystoreIsRefusedAtStart() {
        TlsSettings wrong = new TlsSettings(pki.truststore(), TestPki.PASSWORD.toCharArray(), null, null,
                TlsSettings.ClientAuth.NONE);
        scp = new StoreScp(settings(Duration.ofSeconds(10)), wrong, new InstanceStore(spool(), new RecordingCatalog()),
                AssociationEvents.NONE);
        Exception e = assertThrows(java.io.IOException.class, scp::start);
        assertTrue(e.getMessage().contains("trust.p12 (TRIAGE_DICOM_TLS_KEYSTORE) holds no private key"), e.getMessage());
    }

    private void start(TlsSettings.ClientAuth clientAuth) throws Exception {
        start(clientAuth, Duration.ofSeconds(10));
    }

    private void start(TlsSettings.ClientAuth clientAuth, Duration timeout) throws Exception {
        catalog = new RecordingCatalog();
        rejections.clear();
        TlsSettings tls = new TlsSettings(pki.serverKeystore(), TestPki.PASSWORD.toCharArray(), pki.truststore(),
                TestPki.PASSWORD.toCharArray(), clientAuth);
        scp = new StoreScp(settings(timeout), tls, new InstanceStore(spool(), catalog), new AssociationEvents() {
            @Override
            public void rejected(String callingAeTitle, String calledAeTitle, String remoteAddress, String reason) {
                rejections.add(reason);
            }
        });
        scp.start();
    }

    private StudySpool spool() {
        try {
            return new StudySpool(Files.createDirectories(data.resolve("spool-" + System.nanoTime())), data.resolve("quarantine"), 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The TLS handshake is part of the association request phase, so its limit is the request timeout. */
    private static ScpSettings settings(Duration timeout) {
        return new ScpSettings("CXRTRIAGE", "127.0.0.1", 0, Set.of(), 65536, 8, timeout, timeout, 4);
    }

    /** The refusal is reported from the association's thread, possibly after the client has given up. */
    private void awaitRefusal(String reason) throws InterruptedException {
        String expected = "TLS handshake failed: ";
        for (int i = 0; i < 100 && rejections.stream().noneMatch(r -> r.startsWith(expected) && r.contains(reason)); i++) {
            Thread.sleep(50);
        }
        assertTrue(rejections.stream().anyMatch(r -> r.startsWith(expected) && r.contains(reason)),
                "expected a refusal for '" + reason + "', got " + rejections);
    }

    /** openssl s_client against the listener, trusting the test CA; stdin is empty so it ends after the handshake. */
    private String sClient(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + scp.localPort(),
                "-CAfile", pki.caCertificate().toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl s_client did not finish");
        return output;
    }
}
