package org.cxrtriage.app.ingest;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DICOM TLS settings that cannot work stop the server at start-up with a message that names the
 * setting and the fix, instead of a TLS port that refuses every modality. (Serving over TLS is
 * {@link TlsTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DicomTlsTest {

    @TempDir
    static Path dir;

    private TestPki pki;
    private ServerSocket taken;
    private int started;

    @BeforeAll
    void certificatesAndABusyPort() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    void releasePort() throws Exception {
        taken.close();
    }

    Stream<Arguments> unusableSettings() {
        String keystore = pki.serverKeystore().toString();
        return Stream.of(
                Arguments.of(Map.of("triage.dicom.tls.keystore", dir.resolve("missing.p12").toString()),
                        List.of("TRIAGE_DICOM_TLS_KEYSTORE names " + dir.resolve("missing.p12"),
                                "leave TRIAGE_DICOM_TLS_KEYSTORE empty to turn the DICOM TLS port off")),
                Arguments.of(Map.of("triage.dicom.tls.keystore", keystore, "triage.dicom.tls.keystore-password", "wrong"),
                        List.of("cannot read " + keystore, "check that TRIAGE_DICOM_TLS_KEYSTORE_PASSWORD is its password")),
                Arguments.of(Map.of("triage.dicom.tls.keystore", pki.truststore().toString(),
                                "triage.dicom.tls.keystore-password", TestPki.PASSWORD),
                        List.of("holds no private key")),
                Arguments.of(Map.of("triage.dicom.tls.keystore", keystore, "triage.dicom.tls.keystore-password", TestPki.PASSWORD,
                                "triage.dicom.tls.port", taken.getLocalPort()),
                        List.of("cannot listen for DICOM on 127.0.0.1:" + taken.getLocalPort(), "Set TRIAGE_DICOM_TLS_PORT")),
                Arguments.of(Map.of("triage.dicom.tls.keystore", keystore, "triage.dicom.tls.client-auth", "maybe"),
                        List.of("TRIAGE_DICOM_TLS_CLIENT_AUTH is 'maybe': use none, optional or required")));
    }

    @ParameterizedTest
    @MethodSource("unusableSettings")
    void unusableTlsSettingsStopStartUpNamingTheFix(Map<String, Object> settings, List<String> expected) {
        Path data = dir.resolve("data-" + ++started);
        // A start-up that fails leaves the triage workers it already started running (JobWorker is
        // created before the listener fails); without workers they cannot recreate the database
        // while the temporary directory is being deleted, which made this test flaky.
        Map<String, Object> withoutWorkers = new java.util.HashMap<>(settings);
        withoutWorkers.put("triage.workers.count", 0);
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> TriageServer.start(Database.H2, data, withoutWorkers).close());
        String messages = messages(failure);
        for (String part : expected) {
            assertTrue(messages.contains(part), "'" + part + "' in: " + messages);
        }
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append('\n');
        }
        return all.toString();
    }
}
