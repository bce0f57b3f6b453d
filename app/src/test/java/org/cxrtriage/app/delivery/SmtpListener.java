package org.cxrtriage.app.delivery;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny SMTP server (RFC 5321 without extensions) for tests: it records each envelope and the
 * message data, and answers every RCPT TO with {@code rcptReply} (250 to accept).
 */
final class SmtpListener implements AutoCloseable {

    /** One accepted transaction: envelope sender, recipients and the raw message. */
    record Mail(String from, List<String> to, String data) {
    }

    private final ServerSocket server;
    private final List<Mail> mails = new CopyOnWriteArrayList<>();
    private volatile String rcptReply = "250 OK";

    SmtpListener() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    serve(socket);
                } catch (IOException closedOrBroken) {
                    // next connection, or the listener was closed
                }
            }
        }, "smtp-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    List<Mail> mails() {
        return mails;
    }

    void replyToRecipients(String reply) {
        rcptReply = reply;
    }

    private void serve(Socket socket) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = socket.getOutputStream();
        reply(out, "220 test-smtp ready");
        String from = "";
        List<String> to = new CopyOnWriteArrayList<>();
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.toUpperCase(Locale.ROOT);
            if (command.startsWith("EHLO") || command.startsWith("HELO")) {
                reply(out, "250 test-smtp");
            } else if (command.startsWith("MAIL FROM:")) {
                from = line.substring(10).trim();
                to.clear();
                reply(out, "250 OK");
            } else if (command.startsWith("RCPT TO:")) {
                if (rcptReply.startsWith("250")) {
                    to.add(line.substring(8).trim());
                }
                reply(out, rcptReply);
            } else if (command.equals("DATA")) {
                reply(out, "354 end with <CRLF>.<CRLF>");
                StringBuilder data = new StringBuilder();
                while ((line = in.readLine()) != null && !line.equals(".")) {
                    data.append(line.startsWith("..") ? line.substring(1) : line).append("\r\n");
                }
                mails.add(new Mail(from, List.copyOf(to), data.toString()));
                reply(out, "250 queued");
            } else if (command.equals("QUIT")) {
                reply(out, "221 bye");
                return;
            } else if (command.equals("RSET") || command.equals("NOOP")) {
                reply(out, "250 OK");
            } else {
                reply(out, "502 not implemented");
            }
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
