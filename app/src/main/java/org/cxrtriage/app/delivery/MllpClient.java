package org.cxrtriage.app.delivery;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Minimal Lower Layer Protocol (HL7 v2 Implementation Guide, appendix C): each message is
 * framed as {@code <VT> message <FS><CR>} (0x0B ... 0x1C 0x0D) and answered with one framed
 * acknowledgement. Messages are sent one after the other on one connection, each waiting for its
 * ACK, and the exchange stops at the first ACK that is not an accept.
 *
 * <p>With TLS, the connection is TLS 1.3 or 1.2 and the server's certificate must match the host
 * name (the JDK's HTTPS endpoint identification).
 */
final class MllpClient {

    private static final int START = 0x0B;
    private static final int END = 0x1C;
    private static final int CARRIAGE_RETURN = 0x0D;
    /** An acknowledgement larger than this is not an acknowledgement. */
    private static final int MAX_ACK_BYTES = 1 << 20;

    private final SSLSocketFactory tls;
    private final Duration connectTimeout;
    private final Duration ackTimeout;

    /** @param tls socket factory for TLS destinations; null when no destination uses TLS */
    MllpClient(SSLSocketFactory tls, Duration connectTimeout, Duration ackTimeout) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.ackTimeout = ackTimeout;
    }

    /**
     * Sends the messages in order and returns the acknowledgements received, stopping after the
     * first one that does not accept its message.
     *
     * @throws IOException no connection, TLS failure, or no complete acknowledgement within the timeout
     */
    List<Acknowledgement> exchange(String host, int port, boolean useTls, List<String> messages) throws IOException {
        List<Acknowledgement> acknowledgements = new ArrayList<>();
        try (Socket socket = connect(host, port, useTls)) {
            socket.setSoTimeout((int) Math.max(1, ackTimeout.toMillis()));
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (String message : messages) {
                out.write(START);
                out.write(message.getBytes(StandardCharsets.UTF_8));
                out.write(END);
                out.write(CARRIAGE_RETURN);
                out.flush();
                Acknowledgement ack = Acknowledgement.parse(readFrame(in));
                acknowledgements.add(ack);
                if (!ack.accepted()) {
                    break;
                }
            }
        }
        return acknowledgements;
    }

    private Socket connect(String host, int port, boolean useTls) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), (int) Math.max(1, connectTimeout.toMillis()));
            if (!useTls) {
                return plain;
            }
            SSLSocketFactory factory = tls != null ? tls : (SSLSocketFactory) SSLSocketFactory.getDefault();
            SSLSocket secure = (SSLSocket) factory.createSocket(plain, host, port, true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            secure.setSSLParameters(parameters);
            secure.setSoTimeout((int) Math.max(1, ackTimeout.toMillis()));
            secure.startHandshake();
            return secure;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** Reads one {@code <VT> ... <FS><CR>} frame; bytes before the start block are skipped. */
    private static String readFrame(InputStream in) throws IOException {
        int b;
        do {
            b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed without an acknowledgement");
            }
        } while (b != START);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        while (true) {
            b = in.read();
            if (b < 0) {
                throw new EOFException("the connection closed inside an acknowledgement");
            }
            if (b == END) {
                int next = in.read();
                if (next == CARRIAGE_RETURN || next < 0) {
                    return frame.toString(StandardCharsets.UTF_8);
                }
                frame.write(b);
                b = next;
            }
            frame.write(b);
            if (frame.size() > MAX_ACK_BYTES) {
                throw new IOException("an acknowledgement longer than " + MAX_ACK_BYTES + " bytes");
            }
        }
    }
}
