package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationOutputStream;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContext;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedList;

/**
 * Stores one data set with a C-STORE (PS3.4 annex B, PS3.7 9.1.1) over one association, built
 * from PixelMed's association, presentation context and command classes. PixelMed's own
 * {@code StorageSOPClassSCU} reports only "succeeded or failed"; this keeps the response's Status
 * and Error Comment, which decide whether a retry can help. The connection runs through a
 * {@link LoopbackRelay}, which supplies the connect timeout and the deadline PixelMed lacks.
 */
final class StoreScu {

    /** The C-STORE response: Status (0000,0900) and Error Comment (0000,0902), which may be empty. */
    record Response(int status, String errorComment) {
        boolean success() {
            return status == 0x0000;
        }

        /** Warning statuses (PS3.4 B.2.3): stored, with coercion or elements discarded. */
        boolean warning() {
            return status == 0xB000 || status == 0xB006 || status == 0xB007;
        }

        String describe() {
            String code = String.format("%04X", status);
            return errorComment.isBlank() ? "status " + code : "status " + code + " (" + errorComment.strip() + ")";
        }
    }

    /** PixelMed takes a host name; the relay listens on the loopback address. */
    private static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();

    private final String callingAeTitle;
    private final Duration connectTimeout;
    private final Duration deadline;

    StoreScu(String callingAeTitle, Duration connectTimeout, Duration deadline) {
        this.callingAeTitle = callingAeTitle;
        this.connectTimeout = connectTimeout;
        this.deadline = deadline;
    }

    /**
     * Associates with {@code calledAeTitle@host:port}, stores {@code dataSet} (no File Meta
     * Information) in explicit or implicit VR little endian, and releases the association.
     *
     * @throws IOException            no connection, or the connection broke or passed the deadline
     * @throws DicomNetworkException  the association was rejected or the SOP class not accepted
     */
    Response store(String host, int port, String calledAeTitle, AttributeList dataSet)
            throws IOException, DicomNetworkException, DicomException {
        String sopClass = Attribute.getSingleStringValueOrEmptyString(dataSet, TagFromName.SOPClassUID);
        String sopInstance = Attribute.getSingleStringValueOrEmptyString(dataSet, TagFromName.SOPInstanceUID);
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        contexts.add(new PresentationContext((byte) 1, sopClass, TransferSyntax.ExplicitVRLittleEndian));
        contexts.add(new PresentationContext((byte) 3, sopClass, TransferSyntax.ImplicitVRLittleEndian));
        try (LoopbackRelay relay = LoopbackRelay.open(host, port, connectTimeout, deadline)) {
            Association association;
            try {
                association = AssociationFactory.createNewAssociation(LOOPBACK, relay.localPort(),
                        calledAeTitle, callingAeTitle, contexts, null, false);
            } catch (DicomNetworkException | IOException e) {
                if (relay.expired()) {
                    throw timedOut();
                }
                throw e;
            }
            try {
                byte context = association.getSuitablePresentationContextID(sopClass);
                String transferSyntax = association.getTransferSyntaxForPresentationContextID(context);
                ResponseHandler handler = new ResponseHandler();
                association.setReceivedDataHandler(handler);
                association.send(context, new CStoreRequestCommandMessage(sopClass, sopInstance).getBytes(), null);
                // the association stream splits the data set into P-DATA PDUs within the peer's maximum length
                AssociationOutputStream data = association.getAssociationOutputStream(context);
                dataSet.write(data, transferSyntax, false, true, true);
                association.waitForCommandPDataPDUs();
                association.release();
                return new Response(handler.getStatus(), handler.errorComment);
            } catch (AReleaseException e) {
                throw new IOException("the peer released the association without a C-STORE response", e);
            } catch (DicomNetworkException | IOException | DicomException e) {
                abortQuietly(association);
                if (relay.expired()) {
                    throw timedOut();
                }
                throw e;
            }
        }
    }

    private IOException timedOut() {
        return new IOException("no answer within " + deadline.toSeconds() + " s");
    }

    private static void abortQuietly(Association association) {
        try {
            association.abort();
        } catch (DicomNetworkException alreadyGone) {
            // the connection is already closed: nothing left to abort
        }
    }

    /** Reads the C-STORE-RSP command: success or not is ours to decide from the status. */
    private static final class ResponseHandler extends CompositeResponseHandler {
        private String errorComment = "";

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList command) {
            status = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.Status, 0xFFFF);
            errorComment = Attribute.getSingleStringValueOrEmptyString(command, TagFromName.ErrorComment);
            success = status == 0x0000;
        }
    }
}
