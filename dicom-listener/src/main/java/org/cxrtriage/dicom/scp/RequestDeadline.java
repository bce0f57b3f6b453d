package org.cxrtriage.dicom.scp;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A total time limit on a connection's association request phase (TLS handshake and the whole
 * A-ASSOCIATE-RQ): when it passes before {@link #cancel()}, the socket is closed, which ends any
 * read blocked on it. A per-read timeout alone cannot do this: a peer sending one byte every few
 * seconds restarts it forever. Exactly one of cancel and expiry wins.
 */
final class RequestDeadline {

    private static final int RUNNING = 0;
    private static final int CANCELLED = 1;
    private static final int EXPIRED = 2;

    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final Duration limit;
    private final ScheduledFuture<?> closing;

    private RequestDeadline(Socket socket, Duration limit, ScheduledExecutorService timer) {
        this.limit = limit;
        this.closing = timer.schedule(() -> expire(socket), limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    static RequestDeadline start(Socket socket, Duration limit, ScheduledExecutorService timer) {
        return new RequestDeadline(socket, limit, timer);
    }

    private void expire(Socket socket) {
        if (state.compareAndSet(RUNNING, EXPIRED)) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all the deadline does; the reader reports the expiry
            }
        }
    }

    /** Stops the clock. Returns false when the deadline had passed first (the socket is closed then). */
    boolean cancel() {
        closing.cancel(false);
        return state.compareAndSet(RUNNING, CANCELLED) || state.get() == CANCELLED;
    }

    boolean expired() {
        return state.get() == EXPIRED;
    }

    Duration limit() {
        return limit;
    }
}
