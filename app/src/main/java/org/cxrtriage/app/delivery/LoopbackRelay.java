package org.cxrtriage.app.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gives a library that opens its own sockets without timeouts a connect timeout and a deadline.
 * PixelMed's association code calls {@code new Socket(host, port)} and reads without a socket
 * timeout, so an unreachable or silent PACS would block an outbox worker for minutes or forever.
 * The library is pointed at this relay's loopback port instead; the relay connects to the real
 * peer with a timeout, copies bytes both ways, and at the deadline closes every socket, which
 * ends whatever the library was blocked on with an {@link IOException}.
 *
 * <p>One relay carries one connection. The loopback listener accepts a single connection and is
 * closed right after.
 */
final class LoopbackRelay implements AutoCloseable {

    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "delivery-relay-deadline");
        thread.setDaemon(true);
        return thread;
    });

    private final Socket upstream;
    private final ServerSocket listener;
    private final ScheduledFuture<?> deadline;
    private final AtomicBoolean expired = new AtomicBoolean();
    private volatile Socket local;

    private LoopbackRelay(Socket upstream, ServerSocket listener, Duration deadline) {
        this.upstream = upstream;
        this.listener = listener;
        this.deadline = DEADLINES.schedule(this::expire, deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Connects to {@code host:port} within {@code connectTimeout} and starts relaying.
     *
     * @param deadline from now until every socket is closed, whatever state the exchange is in
     * @throws IOException when the peer cannot be reached in time (nothing is left open)
     */
    static LoopbackRelay open(String host, int port, Duration connectTimeout, Duration deadline) throws IOException {
        Socket upstream = new Socket();
        ServerSocket listener = null;
        try {
            upstream.connect(new InetSocketAddress(host, port), (int) Math.max(1, connectTimeout.toMillis()));
            upstream.setTcpNoDelay(true);
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            listener.setSoTimeout((int) Math.max(1, connectTimeout.toMillis()));
            LoopbackRelay relay = new LoopbackRelay(upstream, listener, deadline);
            relay.start();
            return relay;
        } catch (IOException | RuntimeException e) {
            closeQuietly(upstream);
            closeQuietly(listener);
            throw e;
        }
    }

    /** The loopback port the library should connect to. */
    int localPort() {
        return listener.getLocalPort();
    }

    /** True once the deadline closed the connection. */
    boolean expired() {
        return expired.get();
    }

    @Override
    public void close() {
        deadline.cancel(false);
        closeQuietly(listener);
        closeQuietly(local);
        closeQuietly(upstream);
    }

    private void expire() {
        expired.set(true);
        closeQuietly(listener);
        closeQuietly(local);
        closeQuietly(upstream);
    }

    private void start() {
        Thread acceptor = new Thread(() -> {
            try (Socket accepted = listener.accept()) {
                listener.close();
                accepted.setTcpNoDelay(true);
                local = accepted;
                Thread back = new Thread(() -> pump(upstream, accepted), "delivery-relay-in");
                back.setDaemon(true);
                back.start();
                pump(accepted, upstream);
                back.join();
            } catch (IOException acceptTimedOutOrClosed) {
                // the library never connected, or the deadline or close() ended the exchange:
                // the library sees its own IOException; finally releases what is left
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } finally {
                close();
            }
        }, "delivery-relay-out");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Copies until end of stream, then half-closes the other side so the peer sees it too. */
    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException closed) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception alreadyClosed) {
            // closing is best effort: the socket is unusable either way
        }
    }
}
