package org.cxrtriage.dicom.scp;

import org.cxrtriage.dicom.LogSafe;
import org.cxrtriage.dicom.store.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The C-ECHO / C-STORE SCP. Owns its server socket (so a taken port fails start-up loudly) and
 * everything a connection costs: a connection takes a slot ({@link AssociationSlots}) the moment
 * it is accepted, is served on a bounded pool of {@code maxAssociations} threads, and must finish
 * its association request within the request deadline; a connection without a slot goes to the
 * small {@link BusyRefuser}. Every C-STORE is answered only after {@link InstanceStore} has made it
 * durable ({@link AssociationHandler}).
 */
public final class StoreScp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreScp.class);

    private final ScpSettings settings;
    private final TlsSettings tls;
    private final String name;
    private final AssociationSlots slots;
    private final AtomicLong associationCounter = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor associations;
    private final BusyRefuser refuser;
    private final AssociationHandler handler;
    private ServerSocket serverSocket;
    private Thread acceptor;
    private volatile boolean running;

    public StoreScp(ScpSettings settings, InstanceStore store, AssociationEvents events) {
        this(settings, null, store, events);
    }

    /** A listener that speaks DICOM over TLS only, when {@code tls} is given. */
    public StoreScp(ScpSettings settings, TlsSettings tls, InstanceStore store, AssociationEvents events) {
        this.settings = settings;
        this.tls = tls;
        this.name = tls == null ? "dicom" : "dicom-tls";
        this.slots = new AssociationSlots(settings.maxAssociations(), settings.maxAssociationsPerAddress());
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, daemonThreads(name + "-deadline"));
        deadlines.setRemoveOnCancelPolicy(true);
        this.timer = deadlines;
        this.associations = new ThreadPoolExecutor(settings.maxAssociations(), settings.maxAssociations(), 60,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(settings.maxAssociations()), daemonThreads(name + "-association"));
        this.associations.allowCoreThreadTimeOut(true);
        this.refuser = new BusyRefuser(settings, events, timer, name);
        this.handler = new AssociationHandler(settings, store, events, new StoragePresentationContexts(), timer);
        PixelMedTimers.shortenReleaseWait();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Binds and starts accepting. Throws if the port cannot be bound. */
    public synchronized void start() throws IOException {
        ServerSocket socket = tls == null ? new ServerSocket() : tls.newServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port()), 128);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen for DICOM on " + settings.bindAddress() + ":" + settings.port()
                    + " (" + e.getMessage() + "); is another DICOM server running? Set "
                    + (tls == null ? "TRIAGE_DICOM_PORT" : "TRIAGE_DICOM_TLS_PORT") + " to a free port", e);
        }
        serverSocket = socket;
        running = true;
        acceptor = new Thread(this::acceptLoop, name + "-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("DICOM{} listener {} on port {} (max PDU {} bytes, max {} associations, {} per address,"
                        + " request within {} ms, callers: {})",
                tls == null ? "" : " TLS (client certificates " + tls.clientAuth().name().toLowerCase(Locale.ROOT) + ")",
                settings.aeTitle(), localPort(), settings.maxPduLength(), settings.maxAssociations(),
                settings.maxAssociationsPerAddress(), settings.associationRequestTimeout().toMillis(),
                settings.allowedCallers().isEmpty() ? "any" : settings.allowedCallers());
    }

    public int localPort() {
        return serverSocket == null ? -1 : serverSocket.getLocalPort();
    }

    public boolean isTls() {
        return tls != null;
    }

    public boolean isRunning() {
        return running && serverSocket != null && !serverSocket.isClosed();
    }

    /** Connections holding a slot: accepted and not yet closed, whether or not negotiated. */
    public int activeAssociations() {
        return slots.inUse();
    }

    public ScpSettings settings() {
        return settings;
    }

    private void acceptLoop() {
        while (running) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!running || serverSocket.isClosed()) {
                    return;
                }
                // Transient (out of file descriptors, a connection reset before accept): keep listening.
                log.warn("DICOM accept on port {} failed: {}", localPort(), LogSafe.text(e.getMessage()));
                pauseAfterFailedAccept();
                continue;
            }
            dispatch(socket);
        }
    }

    /** Gives the connection a slot and a thread, or hands it to the refuser; never blocks. */
    private void dispatch(Socket socket) {
        AssociationSlots.Grant grant = slots.tryAcquire(socket.getInetAddress());
        if (grant.slot() == null) {
            refuser.refuse(socket, grant.refusal());
            return;
        }
        String id = "A" + associationCounter.incrementAndGet();
        try {
            associations.execute(() -> handler.serve(socket, grant.slot(), id));
        } catch (RejectedExecutionException e) {
            grant.slot().release();
            closeQuietly(socket);
        }
    }

    private static void pauseAfterFailedAccept() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String remote(Socket socket) {
        return socket.getInetAddress() == null ? "?" : socket.getInetAddress().getHostAddress();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // dropping the connection is the point
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (serverSocket != null) {
            try {
                serverSocket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        refuser.close();
        associations.shutdownNow();
        try {
            associations.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
    }
}
