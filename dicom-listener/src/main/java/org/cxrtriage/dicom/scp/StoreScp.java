package org.cxrtriage.dicom.scp;

import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import org.cxrtriage.dicom.store.DicomStatus;
import org.cxrtriage.dicom.store.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The C-ECHO / C-STORE SCP. Owns its server socket (so a taken port fails start-up loudly), checks
 * called and calling AE titles before PixelMed negotiates the association, limits concurrent
 * associations, and answers every C-STORE only after {@link InstanceStore} has made it durable.
 */
public final class StoreScp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreScp.class);

    private final ScpSettings settings;
    private final TlsSettings tls;
    private final InstanceStore store;
    private final AssociationEvents events;
    private final ChestImagePresentationContexts policy = new ChestImagePresentationContexts();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong associationCounter = new AtomicLong();
    private final ExecutorService associations;
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
        this.store = store;
        this.events = events;
        this.associations = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "dicom-association");
            thread.setDaemon(true);
            return thread;
        });
        PixelMedTimers.shortenReleaseWait();
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
        acceptor = new Thread(this::acceptLoop, tls == null ? "dicom-acceptor" : "dicom-tls-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("DICOM{} listener {} on port {} (max PDU {} bytes, max {} associations, callers: {})",
                tls == null ? "" : " TLS (client certificates " + tls.clientAuth().name().toLowerCase(java.util.Locale.ROOT)
                        + ")", settings.aeTitle(), localPort(), settings.maxPduLength(), settings.maxAssociations(),
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

    public int activeAssociations() {
        return active.get();
    }

    public ScpSettings settings() {
        return settings;
    }

    private void acceptLoop() {
        while (running) {
            try {
                Socket socket = serverSocket.accept();
                if (active.incrementAndGet() > settings.maxAssociations()) {
                    active.decrementAndGet();
                    associations.execute(() -> refuseBusy(socket));
                } else {
                    associations.execute(() -> serve(socket));
                }
            } catch (IOException e) {
                if (!running || serverSocket.isClosed()) {
                    return;
                }
                // Transient (out of file descriptors, a connection reset before accept): keep listening.
                log.warn("DICOM accept on port {} failed: {}", localPort(), e.getMessage());
                pauseAfterFailedAccept();
            }
        }
    }

    private static void pauseAfterFailedAccept() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refuseBusy(Socket socket) {
        if (!handshake(socket)) {
            return;
        }
        try (socket) {
            socket.setSoTimeout((int) settings.idleTimeout().toMillis());
            AssociateRequestPeek request = AssociateRequestPeek.read(socket.getInputStream());
            AssociateReject.TOO_MANY_ASSOCIATIONS.writeTo(socket.getOutputStream());
            String reason = "more than " + settings.maxAssociations() + " associations at once";
            log.warn("rejected association from {} ({}): {}", request.callingAeTitle(), remote(socket), reason);
            events.rejected(request.callingAeTitle(), request.calledAeTitle(), remote(socket), reason);
        } catch (IOException e) {
            log.debug("connection from {} closed while refusing it: {}", remote(socket), e.getMessage());
        }
    }

    /**
     * Completes the TLS handshake on the association's own thread, within the idle timeout. A plain
     * TCP client, an old protocol, a stalled client or a missing or untrusted client certificate
     * ends here, with one line in the log and an audited rejection.
     */
    private boolean handshake(Socket socket) {
        String refusal = TlsHandshake.refusal(socket, settings.idleTimeout());
        if (refusal == null) {
            return true;
        }
        log.warn("refused DICOM TLS connection from {} on port {}: {}", remote(socket), localPort(), refusal);
        events.rejected("?", settings.aeTitle(), remote(socket), "TLS handshake failed: " + refusal);
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("closing the refused TLS connection from {}: {}", remote(socket), e.getMessage());
        }
        return false;
    }

    private void serve(Socket socket) {
        if (!handshake(socket)) {
            active.decrementAndGet();
            return;
        }
        String id = "A" + associationCounter.incrementAndGet();
        long started = System.nanoTime();
        Counts counts = new Counts();
        String callingAe = "?";
        String endedBy = "release";
        DimseMessageHandler handler = null;
        try (socket) {
            socket.setSoTimeout((int) settings.idleTimeout().toMillis());
            socket.setTcpNoDelay(true);
            AssociateRequestPeek request = AssociateRequestPeek.read(socket.getInputStream());
            callingAe = request.callingAeTitle() == null ? "?" : request.callingAeTitle();
            if (request.isAssociateRequest() && refused(socket, request)) {
                return;
            }
            Association association = AssociationFactory.createNewAssociation(
                    new ReplayingSocket(socket, request.bytes()), settings.aeTitle(),
                    settings.maxPduLength(), 0, 0, policy);
            log.debug("association {} from {} ({}) accepted", id, callingAe, remote(socket));
            while (true) {
                handler = new DimseMessageHandler(store, id);
                association.setReceivedDataHandler(handler);
                association.waitForPDataPDUsUntilHandlerReportsDone();
                association.send(handler.presentationContextId(), handler.response(), null);
                counts.add(handler.storeStatus());
            }
        } catch (AReleaseException e) {
            endedBy = "release";
        } catch (Exception e) {
            endedBy = describe(e);
        } finally {
            if (handler != null) {
                handler.abandon();
            }
            active.decrementAndGet();
            AssociationSummary summary = new AssociationSummary(id, callingAe, remote(socket), counts.echoes,
                    counts.stored, counts.failed, Duration.ofNanos(System.nanoTime() - started), endedBy);
            log.info("association {} from {} ended by {}: {} stored, {} failed, {} echo(es) in {} ms",
                    id, callingAe, endedBy, counts.stored, counts.failed, counts.echoes, summary.duration().toMillis());
            events.closed(summary);
        }
    }

    private boolean refused(Socket socket, AssociateRequestPeek request) throws IOException {
        AssociateReject reject = null;
        String reason = null;
        if (!settings.aeTitle().equals(request.calledAeTitle())) {
            reject = AssociateReject.CALLED_AE_NOT_RECOGNISED;
            reason = "called AE title '" + request.calledAeTitle() + "' is not ours";
        } else if (!settings.allowedCallers().isEmpty() && !settings.allowedCallers().contains(request.callingAeTitle())) {
            reject = AssociateReject.CALLING_AE_NOT_RECOGNISED;
            reason = "calling AE title '" + request.callingAeTitle() + "' is not on the allow-list";
        }
        if (reject == null) {
            return false;
        }
        reject.writeTo(socket.getOutputStream());
        log.warn("rejected association from {} ({}): {}", request.callingAeTitle(), remote(socket), reason);
        events.rejected(request.callingAeTitle(), request.calledAeTitle(), remote(socket), reason);
        return true;
    }

    private static String describe(Exception e) {
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof SocketTimeoutException || String.valueOf(cause.getMessage()).contains("SocketTimeoutException")) {
                return "idle timeout";
            }
            if (String.valueOf(cause.getMessage()).contains("A-ABORT")) {
                return "abort";
            }
            cause = cause.getCause();
        }
        return "error: " + e.getMessage();
    }

    private static String remote(Socket socket) {
        return socket.getInetAddress() == null ? "?" : socket.getInetAddress().getHostAddress();
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
        associations.shutdownNow();
        try {
            associations.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Counts {
        int echoes;
        int stored;
        int failed;

        void add(DicomStatus status) {
            if (status == null) {
                echoes++;
            } else if (status.isSuccess()) {
                stored++;
            } else {
                failed++;
            }
        }
    }
}
