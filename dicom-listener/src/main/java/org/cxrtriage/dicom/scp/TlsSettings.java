package org.cxrtriage.dicom.scp;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * TLS for the DICOM listener after DICOM PS3.15 Annex B.12 (BCP 195): TLS 1.3 and 1.2 only, AEAD
 * cipher suites with forward secrecy only, the server's key and certificate from a keystore, and
 * client certificates checked against a truststore when required.
 *
 * @param keystore           PKCS12 or JKS file with the server's private key and certificate chain
 * @param truststore         certificates that sign acceptable client certificates; null for the JDK's
 * @param clientAuth         whether peers must present a certificate
 */
public record TlsSettings(Path keystore, char[] keystorePassword, Path truststore, char[] truststorePassword,
                          ClientAuth clientAuth) {

    /** Whether the peer must show a certificate signed by the truststore. */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** A server socket, not yet bound, configured as above. Fails naming the file that is wrong. */
    public SSLServerSocket newServerSocket() throws IOException {
        SSLContext context;
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            KeyStore serverKeys = load(keystore, keystorePassword, "TRIAGE_DICOM_TLS_KEYSTORE", "turn the DICOM TLS port off");
            if (!holdsPrivateKey(serverKeys)) {
                throw new IOException(keystore + " (TRIAGE_DICOM_TLS_KEYSTORE) holds no private key: give a keystore with"
                        + " the server's key and certificate chain (openssl pkcs12 -export), not a truststore");
            }
            keys.init(serverKeys, keystorePassword);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(truststore == null ? null
                    : load(truststore, truststorePassword, "TRIAGE_DICOM_TLS_TRUSTSTORE", "trust the JDK's CAs"));
            context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up DICOM TLS with " + keystore + " (TRIAGE_DICOM_TLS_KEYSTORE): " + e.getMessage()
                    + "; the server's key must be protected by TRIAGE_DICOM_TLS_KEYSTORE_PASSWORD", e);
        }
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        socket.setEnabledProtocols(Arrays.stream(socket.getSupportedProtocols()).filter(PROTOCOLS::contains)
                .toArray(String[]::new));
        socket.setEnabledCipherSuites(Arrays.stream(socket.getSupportedCipherSuites()).filter(TlsSettings::bcp195)
                .toArray(String[]::new));
        socket.setNeedClientAuth(clientAuth == ClientAuth.REQUIRED);
        if (clientAuth == ClientAuth.OPTIONAL) {
            socket.setWantClientAuth(true);
        }
        return socket;
    }

    /** TLS 1.3 suites, and TLS 1.2 suites with ephemeral key exchange and an AEAD cipher. */
    static boolean bcp195(String suite) {
        if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
            return true;
        }
        boolean ephemeral = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305");
        return ephemeral && aead;
    }

    private static boolean holdsPrivateKey(KeyStore store) throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                return true;
            }
        }
        return false;
    }

    /** {@code variable} is the setting that names the file; {@code whenEmpty} what leaving it empty does. */
    private static KeyStore load(Path file, char[] password, String variable, String whenEmpty)
            throws IOException, GeneralSecurityException {
        if (!Files.isReadable(file)) {
            throw new IOException(variable + " names " + file + ", which does not exist or is not readable: give the path"
                    + " of a readable PKCS12 (or .jks) file, or leave " + variable + " empty to " + whenEmpty);
        }
        String type = file.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + " (" + variable + ") as " + type + ": " + e.getMessage()
                    + "; check that " + variable + "_PASSWORD is its password", e);
        }
        return store;
    }
}
