package org.cxrtriage.testdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A throw-away certificate authority for TLS tests, made with the openssl and keytool commands an
 * administrator would use: a CA, a server key and certificate for 127.0.0.1 / localhost (PEM and a
 * PKCS12 keystore), a client key and certificate signed by the CA, a client signed by nobody we
 * trust, and a PKCS12 truststore holding the CA.
 */
public record TestPki(Path dir, Path caCertificate, Path serverKeystore, Path truststore, Path clientKey,
                      Path clientCertificate, Path strangerKey, Path strangerCertificate) {

    public static final String PASSWORD = "changeit";

    public static TestPki create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path ext = Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=cxr-triage test CA");
        for (String name : List.of("server", "client")) {
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                    "-subj", "/CN=" + (name.equals("server") ? "localhost" : "test-modality"));
            openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".crt", "-days", "2", "-extfile", ext.getFileName().toString());
        }
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "stranger.key", "-out", "stranger.crt",
                "-days", "2", "-subj", "/CN=not-signed-by-the-ca");
        openssl(dir, "pkcs12", "-export", "-in", "server.crt", "-inkey", "server.key", "-certfile", "ca.crt",
                "-name", "server", "-out", "server.p12", "-passout", "pass:" + PASSWORD);
        run(dir, List.of("keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "trust.p12",
                "-storetype", "PKCS12", "-storepass", PASSWORD));
        return new TestPki(dir, dir.resolve("ca.crt"), dir.resolve("server.p12"), dir.resolve("trust.p12"),
                dir.resolve("client.key"), dir.resolve("client.crt"), dir.resolve("stranger.key"), dir.resolve("stranger.crt"));
    }

    /** storescu/echoscu options for TLS with the client certificate, trusting our CA. */
    public String[] dcmtkClient() {
        return new String[] {"+tls", clientKey.toString(), clientCertificate.toString(), "+cf", caCertificate.toString()};
    }

    /** storescu/echoscu options for TLS without a client certificate, trusting our CA. */
    public String[] dcmtkAnonymous() {
        return new String[] {"+tla", "+cf", caCertificate.toString()};
    }

    /** storescu/echoscu options for TLS with a certificate our CA did not sign. */
    public String[] dcmtkStranger() {
        return new String[] {"+tls", strangerKey.toString(), strangerCertificate.toString(), "+cf", caCertificate.toString()};
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        run(dir, command);
    }

    private static void run(Path dir, List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
