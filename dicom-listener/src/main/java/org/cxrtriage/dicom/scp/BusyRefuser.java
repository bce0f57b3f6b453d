package org.cxrtriage.dicom.scp;

import org.cxrtriage.dicom.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers connections that got no slot with A-ASSOCIATE-RJ "local limit exceeded" (transient), so
 * a real sender knows to retry. Deliberately small and impatient: {@value #THREADS} threads, a
 * short queue, and at most {@link #REFUSAL_DEADLINE} from accept for the TLS handshake and the
 * A-ASSOCIATE-RQ (time spent queued counts). When it is saturated a connection is closed at once
 * without an answer. Those
 * silent closes are counted and reported in one summary line at most every {@link #REPORT_EVERY},
 * so a flood cannot flood the log or the audit trail.
 */
final class BusyRefuser implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BusyRefuser.class);
    private static final int THREADS = 2;
    private static final int QUEUE = 8;
    static final Duration REFUSAL_DEADLINE = Duration.ofSeconds(2);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private final ScpSettings settings;
    private final String name;
    private final AssociationEvents events;
    private final ScheduledExecutorService timer;
    private final PduLimits limits;
    private final ThreadPoolExecutor pool;
    private final AtomicLong closedUnanswered = new AtomicLong();
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime());

    /** {@code name} prefixes thread names and log lines ("dicom", "dicom-tls"). */
    BusyRefuser(ScpSettings settings, AssociationEvents events, ScheduledExecutorService timer, String name) {
        this.settings = settings;
        this.name = name;
        this.events = events;
        this.timer = timer;
        this.limits = PduLimits.forMaxPduLength(settings.maxPduLength());
        AtomicInteger number = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                runnable -> {
                    Thread thread = new Thread(runnable, name + "-refuser-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** Refuses {@code socket} (which holds no slot) for {@code reason}; never blocks the caller. */
    void refuse(Socket socket, String reason) {
        try {
            long acceptedAt = System.nanoTime();
            pool.execute(() -> answer(socket, reason, acceptedAt));
        } catch (RejectedExecutionException saturated) {
            closeQuietly(socket);
            countUnanswered();
        }
    }

    private void answer(Socket socket, String reason, long acceptedAt) {
        Duration whole = settings.associationRequestTimeout().compareTo(REFUSAL_DEADLINE) < 0
                ? settings.associationRequestTimeout() : REFUSAL_DEADLINE;
        Duration limit = whole.minusNanos(System.nanoTime() - acceptedAt);
        if (limit.toMillis() < 1) {
            closeQuietly(socket);
            countUnanswered();
            return;
        }
        RequestDeadline deadline = RequestDeadline.start(socket, limit, timer);
        try (socket) {
            socket.setSoTimeout((int) limit.toMillis());
            if (TlsHandshake.refusal(socket, limit) != null) {
                countUnanswered();
                return;
            }
            AssociateRequest request = AssociateRequest.read(socket.getInputStream(), limits);
            AssociateReject.TOO_MANY_ASSOCIATIONS.writeTo(socket.getOutputStream());
            String caller = request.aeTitlesValid() ? request.callingAeTitle() : "?";
            log.warn("rejected association from {} ({}): {}", LogSafe.text(caller), StoreScp.remote(socket), reason);
            events.rejected(caller, request.aeTitlesValid() ? request.calledAeTitle() : "?", StoreScp.remote(socket), reason);
        } catch (IOException e) {
            countUnanswered();
            log.debug("connection from {} over the limit closed without a complete request: {}", StoreScp.remote(socket),
                    LogSafe.text(e.getMessage()));
        } finally {
            deadline.cancel();
        }
    }

    private void countUnanswered() {
        closedUnanswered.incrementAndGet();
        long last = lastReport.get();
        long now = System.nanoTime();
        if (now - last >= REPORT_EVERY.toNanos() && lastReport.compareAndSet(last, now)) {
            long count = closedUnanswered.getAndSet(0);
            String reason = count + " connection(s) over the association limit closed without an answer in the last "
                    + REPORT_EVERY.toSeconds() + " s (no complete A-ASSOCIATE-RQ within " + REFUSAL_DEADLINE.toSeconds()
                    + " s, or too many waiting to be refused)";
            log.warn("{} listener: {}", name, reason);
            events.dropped(count, reason);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to do for a connection we drop
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
