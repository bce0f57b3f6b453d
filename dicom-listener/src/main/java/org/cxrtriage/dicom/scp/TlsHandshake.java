package org.cxrtriage.dicom.scp;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server side of the TLS handshake, run on the association's own thread so that a slow or
 * wrong client never holds up accepting others. Failures become a few words for the log and the
 * audit trail, not a stack trace.
 */
final class TlsHandshake {

    private static final Pattern OLD_PROTOCOL = Pattern.compile("Client requested protocol (\\S+) is not enabled");

    private TlsHandshake() {
    }

    /**
     * Completes the handshake within {@code timeout}. Returns null when it completed (or the socket
     * is plain TCP), otherwise why the peer was refused; the caller closes the socket.
     */
    static String refusal(Socket socket, Duration timeout) {
        if (!(socket instanceof SSLSocket ssl)) {
            return null;
        }
        try {
            ssl.setSoTimeout((int) timeout.toMillis());
            ssl.startHandshake();
            return null;
        } catch (IOException e) {
            return describe(e, timeout);
        }
    }

    private static String describe(IOException e, Duration timeout) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof SocketTimeoutException) {
            return "no TLS handshake within " + timeout.toSeconds() + " s";
        }
        if (message.contains("Unsupported or unrecognized SSL message")) {
            return "not a TLS client (plain DICOM sent to the TLS port?)";
        }
        if (message.contains("Empty client certificate chain")) {
            return "no client certificate, and one is required";
        }
        Matcher oldProtocol = OLD_PROTOCOL.matcher(message);
        if (oldProtocol.find()) {
            return "client offered only " + oldProtocol.group(1) + "; TLS 1.2 or later is required";
        }
        if (message.contains("no cipher suites in common")) {
            return "no cipher suite in common (only BCP 195 AEAD suites with forward secrecy are enabled)";
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException) {
                return message.startsWith("PKIX path building failed")
                        ? "client certificate not signed by a CA in the truststore"
                        : "client certificate rejected: " + innermost(cause).getMessage();
            }
        }
        return message;
    }

    private static Throwable innermost(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
