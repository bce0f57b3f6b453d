package org.cxrtriage.dicom.scp;

import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import org.cxrtriage.dicom.LogSafe;
import org.cxrtriage.dicom.store.DicomStatus;
import org.cxrtriage.dicom.store.InstanceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Serves one accepted connection that holds a slot: TLS handshake and A-ASSOCIATE-RQ within the
 * request deadline, AE title checks, PixelMed's negotiation, then DIMSE messages until release,
 * abort or the idle timeout. Every PDU after the request passes a {@link PduBoundaryInputStream}.
 * Reports one event per connection that sent something: {@code rejected} when no association came
 * of it, {@code closed} when one did.
 */
final class AssociationHandler {

    private static final Logger log = LoggerFactory.getLogger(AssociationHandler.class);

    private final ScpSettings settings;
    private final InstanceStore store;
    private final AssociationEvents events;
    private final StoragePresentationContexts policy;
    private final PduLimits limits;
    private final ScheduledExecutorService timer;

    AssociationHandler(ScpSettings settings, InstanceStore store, AssociationEvents events,
                       StoragePresentationContexts policy, ScheduledExecutorService timer) {
        this.settings = settings;
        this.store = store;
        this.events = events;
        this.policy = policy;
        this.limits = PduLimits.forMaxPduLength(settings.maxPduLength());
        this.timer = timer;
    }

    /**
     * Runs on an association thread; closes the socket and releases the slot before returning.
     * The socket is closed only after any answer (A-ASSOCIATE-RJ, A-ABORT) has been written.
     */
    void serve(Socket socket, AssociationSlots.Slot slot, String id) {
        long started = System.nanoTime();
        RequestDeadline deadline = RequestDeadline.start(socket, settings.associationRequestTimeout(), timer);
        Association association = null;
        PduBoundaryInputStream input = null;
        DimseMessageHandler handler = null;
        String callingAe = "?";
        Counts counts = new Counts();
        String endedBy = "release";
        boolean violation = false;
        try {
            socket.setSoTimeout((int) settings.associationRequestTimeout().toMillis());
            String tlsRefusal = TlsHandshake.refusal(socket, settings.associationRequestTimeout());
            if (tlsRefusal != null) {
                reject(socket, "?", "?", "TLS handshake failed: " + (deadline.expired()
                        ? "no TLS handshake within " + settings.associationRequestTimeout().toSeconds() + " s" : tlsRefusal));
                return;
            }
            AssociateRequest request = AssociateRequest.read(socket.getInputStream(), limits);
            if (refusedByPolicy(socket, request)) {
                return;
            }
            callingAe = request.callingAeTitle();
            input = new PduBoundaryInputStream(socket.getInputStream(), socket.getOutputStream(), limits, request.bytes());
            association = AssociationFactory.createNewAssociation(new ReplayingSocket(socket, input), settings.aeTitle(),
                    settings.maxPduLength(), 0, 0, policy);
            if (!deadline.cancel()) {
                throw new SocketException("closed by the association request deadline");
            }
            socket.setSoTimeout((int) settings.idleTimeout().toMillis());
            socket.setTcpNoDelay(true);
            log.debug("association {} from {} ({}) accepted", id, callingAe, StoreScp.remote(socket));
            while (true) {
                handler = new DimseMessageHandler(store, id);
                association.setReceivedDataHandler(handler);
                association.waitForPDataPDUsUntilHandlerReportsDone();
                association.send(handler.presentationContextId(), handler.response(), null);
                counts.add(handler.storeStatus());
                if (handler.storeStatus() != null) {
                    events.answered(handler.storeStatus(), handler.dataBytes());
                }
            }
        } catch (AReleaseException e) {
            endedBy = "release";
        } catch (PduRefusedException e) {
            if (association == null) {
                answerAndReject(socket, e);
                return;
            }
            endedBy = "aborted: " + e.reason();
            violation = true;
        } catch (Exception e) {
            if (association == null) {
                beforeAssociation(socket, deadline, input, e);
                return;
            }
            if (input != null && input.refusal() != null) {
                endedBy = "aborted: " + input.refusal().reason();
                violation = true;
            } else if (handler != null && handler.protocolViolation() != null) {
                endedBy = "aborted: " + handler.protocolViolation();
                violation = true;
            } else {
                endedBy = describe(e);
            }
        } finally {
            deadline.cancel();
            if (handler != null) {
                handler.abandon();
            }
            closeQuietly(socket);
            slot.release();
            if (association != null) {
                closed(new AssociationSummary(id, callingAe, StoreScp.remote(socket), counts.echoes, counts.stored,
                        counts.failed, Duration.ofNanos(System.nanoTime() - started), endedBy, violation));
            }
        }
    }

    /** A connection that ended before an association existed: refused PDU, deadline, or the peer left. */
    private void beforeAssociation(Socket socket, RequestDeadline deadline, PduBoundaryInputStream input, Exception e) {
        if (input != null && input.refusal() != null) {
            reject(socket, "?", "?", input.refusal().reason());
        } else if (deadline.expired()) {
            reject(socket, "?", "?", "no complete A-ASSOCIATE-RQ within " + deadline.limit().toMillis() + " ms");
        } else if (e instanceof EOFException || e instanceof SocketException) {
            log.debug("connection from {} closed before an association: {}", StoreScp.remote(socket), LogSafe.text(e.getMessage()));
        } else {
            reject(socket, "?", "?", describe(e));
        }
    }

    private void answerAndReject(Socket socket, PduRefusedException refusal) {
        try {
            socket.getOutputStream().write(refusal.answer());
            socket.getOutputStream().flush();
        } catch (IOException peerGone) {
            log.debug("could not answer {}: {}", StoreScp.remote(socket), LogSafe.text(peerGone.getMessage()));
        }
        reject(socket, "?", "?", refusal.reason());
    }

    private boolean refusedByPolicy(Socket socket, AssociateRequest request) throws IOException {
        AssociateReject reject = null;
        String reason = null;
        if (!AssociateRequest.validAeTitle(request.calledAeTitle())) {
            reject = AssociateReject.CALLED_AE_NOT_RECOGNISED;
            reason = "called AE title '" + LogSafe.text(request.calledAeTitle()) + "' is not a valid AE title";
        } else if (!AssociateRequest.validAeTitle(request.callingAeTitle())) {
            reject = AssociateReject.CALLING_AE_NOT_RECOGNISED;
            reason = "calling AE title '" + LogSafe.text(request.callingAeTitle()) + "' is not a valid AE title";
        } else if (!settings.aeTitle().equals(request.calledAeTitle())) {
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
        reject(socket, LogSafe.text(request.callingAeTitle()), LogSafe.text(request.calledAeTitle()), reason);
        return true;
    }

    /** One WARN line and one event; AE titles given here are valid or already escaped. */
    private void reject(Socket socket, String callingAe, String calledAe, String reason) {
        log.warn("rejected association from {} ({}) on port {}: {}", callingAe, StoreScp.remote(socket),
                socket.getLocalPort(), LogSafe.text(reason));
        events.rejected(callingAe, calledAe, StoreScp.remote(socket), LogSafe.text(reason));
    }

    private void closed(AssociationSummary s) {
        if (s.protocolViolation()) {
            log.warn("association {} from {} ({}) {}: {} stored, {} failed", s.id(), s.callingAeTitle(), s.remoteAddress(),
                    LogSafe.text(s.endedBy()), s.stored(), s.failed());
        } else {
            log.info("association {} from {} ended by {}: {} stored, {} failed, {} echo(es) in {} ms", s.id(),
                    s.callingAeTitle(), LogSafe.text(s.endedBy()), s.stored(), s.failed(), s.echoes(), s.duration().toMillis());
        }
        events.closed(new AssociationSummary(s.id(), s.callingAeTitle(), s.remoteAddress(), s.echoes(), s.stored(),
                s.failed(), s.duration(), LogSafe.text(s.endedBy()), s.protocolViolation()));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the connection is over either way
        }
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
