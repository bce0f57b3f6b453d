package org.cxrtriage.app.delivery;

import javax.net.ServerSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A hand-written MLLP listener for the cases HAPI's server cannot play: it answers each framed
 * message with whatever {@code answer} returns (a NAK, garbage), or keeps silent when it returns
 * null. Over TLS when given an SSL server socket factory.
 */
final class MllpResponder implements AutoCloseable {

    private final ServerSocket server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    MllpResponder(ServerSocketFactory factory, UnaryOperator<String> answer) throws IOException {
        server = factory.createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.add(socket);
                    Thread connection = new Thread(() -> serve(socket, answer), "mllp-responder-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "mllp-responder");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    List<String> received() {
        return received;
    }

    private void serve(Socket socket, UnaryOperator<String> answer) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String message = readFrame(in);
                if (message == null) {
                    return;
                }
                received.add(message);
                String reply = answer.apply(message);
                if (reply != null) {
                    out.write(0x0B);
                    out.write(reply.getBytes(StandardCharsets.UTF_8));
                    out.write(new byte[] {0x1C, 0x0D});
                    out.flush();
                }
            }
        } catch (IOException connectionEnded) {
            // the client went away or the test closed the responder
        }
    }

    private static String readFrame(InputStream in) throws IOException {
        int b = in.read();
        while (b >= 0 && b != 0x0B) {
            b = in.read();
        }
        if (b < 0) {
            return null;
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        while ((b = in.read()) >= 0) {
            if (b == 0x1C) {
                in.read();
                return frame.toString(StandardCharsets.UTF_8);
            }
            frame.write(b);
        }
        return null;
    }

    /** A minimal original-mode acknowledgement of {@code message} with the given MSA-1 and text. */
    static String acknowledge(String message, String code, String text, String errSegment) {
        String controlId = message.split("\r")[0].split("\\|")[9];
        return "MSH|^~\\&|RIS|HOSP|CXR-TRIAGE||20261130101010||ACK^R01^ACK|A" + controlId + "|P|2.5.1\r"
                + "MSA|" + code + "|" + controlId + "|" + text + (errSegment.isEmpty() ? "" : "\r" + errSegment);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : connections) {
            socket.close();
        }
    }
}
