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

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DICOM over TLS (PS3.15 B.12) against DCMTK's storescu and echoscu with real certificates. */
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
        // The refusal is reported from the association's thread, possibly after storescu has given up.
        for (int i = 0; i < 100 && rejections.stream().noneMatch(reason -> reason.startsWith("TLS handshake failed")); i++) {
            Thread.sleep(50);
        }
        assertTrue(rejections.stream().anyMatch(reason -> reason.startsWith("TLS handshake failed")), rejections.toString());

        Dcmtk.Result echo = Dcmtk.run(List.of("echoscu", "-aec", "CXRTRIAGE", "+tla", "+cf", pki.caCertificate().toString(),
                "127.0.0.1", Integer.toString(scp.localPort())));
        assertEquals(0, echo.exitCode(), "the listener still serves after refusing: " + echo.output());
    }

    @Test
    void aRequiredClientCertificateMustBeSignedByTheTrustedCa() throws Exception {
        start(TlsSettings.ClientAuth.REQUIRED);
        Dcmtk.StoreRun anonymous = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file), pki.dcmtkAnonymous());
        assertFalse(anonymous.allSucceeded(1), "no client certificate: " + anonymous.output());
        Dcmtk.StoreRun stranger = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file), pki.dcmtkStranger());
        assertFalse(stranger.allSucceeded(1), "certificate from an unknown CA: " + stranger.output());
        assertEquals(0, catalog.instances.size());

        Dcmtk.StoreRun trusted = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file), pki.dcmtkClient());
        assertTrue(trusted.allSucceeded(1), trusted.output());
        assertEquals(1, catalog.instances.size());
    }

    @Test
    void tlsOlderThan12IsRefused() throws Exception {
        start(TlsSettings.ClientAuth.NONE);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pki.truststore())) {
            trust.load(in, TestPki.PASSWORD.toCharArray());
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        for (String old : List.of("TLSv1.1", "TLSv1")) {
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", scp.localPort())) {
                socket.setEnabledProtocols(new String[] {old});
                assertThrows(SSLHandshakeException.class, socket::startHandshake, old);
            } catch (IllegalArgumentException unsupported) {
                // this JDK cannot even offer the old protocol: refused all the more
            }
        }
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", scp.localPort())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
            String suite = socket.getSession().getCipherSuite();
            assertTrue(suite.startsWith("TLS_ECDHE_") && suite.contains("GCM"), "a BCP 195 suite: " + suite);
        }
    }

    @Test
    void aMissingKeystoreIsNamedAtStart() {
        TlsSettings wrong = new TlsSettings(data.resolve("nope.p12"), "x".toCharArray(), null, null, TlsSettings.ClientAuth.NONE);
        scp = new StoreScp(settings(), wrong, new InstanceStore(spool(), new RecordingCatalog()), AssociationEvents.NONE);
        Exception e = assertThrows(java.io.IOException.class, scp::start);
        assertTrue(e.getMessage().contains("nope.p12") && e.getMessage().contains("TRIAGE_DICOM_TLS_KEYSTORE"), e.getMessage());
    }

    private void start(TlsSettings.ClientAuth clientAuth) throws Exception {
        catalog = new RecordingCatalog();
        TlsSettings tls = new TlsSettings(pki.serverKeystore(), TestPki.PASSWORD.toCharArray(), pki.truststore(),
                TestPki.PASSWORD.toCharArray(), clientAuth);
        scp = new StoreScp(settings(), tls, new InstanceStore(spool(), catalog), new AssociationEvents() {
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

    private static ScpSettings settings() {
        return new ScpSettings("CXRTRIAGE", "127.0.0.1", 0, Set.of(), 65536, 8, Duration.ofSeconds(10));
    }
}
