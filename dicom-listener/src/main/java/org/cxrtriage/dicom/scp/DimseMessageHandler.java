package org.cxrtriage.dicom.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import org.cxrtriage.dicom.store.DicomStatus;
import org.cxrtriage.dicom.store.IncomingInstance;
import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.StoreRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Receives one DIMSE request (C-ECHO or C-STORE) of an association and prepares its response.
 * C-STORE data fragments stream into an {@link IncomingInstance}; after the last fragment the
 * instance is stored and recorded, and only then is the response built. Extends PixelMed's
 * {@link CompositeResponseHandler} only because it is the public way to receive P-DATA.
 */
final class DimseMessageHandler extends CompositeResponseHandler {

    private static final int C_STORE_RQ = 0x0001;
    private static final int C_ECHO_RQ = 0x0030;

    private final InstanceStore store;
    private final String associationId;
    private final ByteArrayOutputStream command = new ByteArrayOutputStream(256);
    private IncomingInstance instance;
    private int messageId;
    private byte presentationContextId;
    private byte[] response;
    private DicomStatus storeStatus;
    private String protocolViolation;
    private long dataBytes;

    DimseMessageHandler(InstanceStore store, String associationId) {
        this.store = store;
        this.associationId = associationId;
    }

    @Override
    public void sendPDataIndication(PDataPDU pdata, Association association)
            throws DicomNetworkException, DicomException, IOException {
        for (Object item : pdata.getPDVList()) {
            PresentationDataValue pdv = (PresentationDataValue) item;
            presentationContextId = pdv.getPresentationContextID();
            if (pdv.isCommand()) {
                command.writeBytes(pdv.getValue());
                if (pdv.isLastFragment()) {
                    onCommand(association);
                }
            } else {
                onData(pdv);
            }
        }
    }

    private void onCommand(Association association) throws DicomNetworkException, DicomException, IOException {
        String transferSyntax = acceptedTransferSyntax(association);
        AttributeList list = CompositeResponseHandler.getAttributeListFromCommandOrData(
                command.toByteArray(), TransferSyntax.ImplicitVRLittleEndian);
        int field = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandField, -1);
        messageId = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.MessageID, 0);
        String sopClass = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.AffectedSOPClassUID);
        if (field == C_ECHO_RQ) {
            response = CommandSet.cEchoResponse(sopClass, messageId);
            setDone(true);
        } else if (field == C_STORE_RQ) {
            String sopInstance = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.AffectedSOPInstanceUID);
            instance = store.begin(new StoreRequest(sopClass, sopInstance, transferSyntax,
                    association.getCallingAETitle(), associationId));
        } else {
            throw new DicomNetworkException(String.format("unsupported DIMSE command 0x%04X", field));
        }
    }

    /**
     * The transfer syntax of the message's presentation context. A message on a context we did not
     * accept (an old modality sends its C-STORE on a refused context anyway) is a protocol
     * violation: it ends the association with an A-ABORT, sent here because PixelMed closes the
     * transport as soon as this handler throws, instead of a misleading failure status.
     */
    private String acceptedTransferSyntax(Association association) throws DicomNetworkException {
        String transferSyntax;
        try {
            transferSyntax = association.getTransferSyntaxForPresentationContextID(presentationContextId);
        } catch (DicomNetworkException notAccepted) {
            transferSyntax = null;
        }
        if (transferSyntax == null || transferSyntax.isEmpty()) {
            protocolViolation = "DIMSE message on presentation context " + (presentationContextId & 0xFF)
                    + ", which was not accepted";
            association.abort();
            throw new DicomNetworkException(protocolViolation);
        }
        return transferSyntax;
    }

    /** Data set bytes received for the C-STORE this handler answered. */
    long dataBytes() {
        return dataBytes;
    }

    /** Why this handler aborted the association, or null. */
    String protocolViolation() {
        return protocolViolation;
    }

    private void onData(PresentationDataValue pdv) throws DicomNetworkException {
        if (instance == null) {
            throw new DicomNetworkException("data set fragment without a C-STORE request");
        }
        instance.write(pdv.getValue());
        dataBytes += pdv.getValue().length;
        if (pdv.isLastFragment()) {
            storeStatus = store.finish(instance.complete());
            StoreRequest request = instance.request();
            response = CommandSet.cStoreResponse(request.sopClassUid(), request.sopInstanceUid(), messageId,
                    storeStatus.code(), storeStatus.comment());
            instance = null;
            setDone(true);
        }
    }

    @Override
    protected void evaluateStatusAndSetSuccess(AttributeList list) {
        // Only used by PixelMed when we are the requester; never here.
    }

    byte[] response() {
        return response;
    }

    byte presentationContextId() {
        return presentationContextId;
    }

    /** The status of the C-STORE just answered, or null for a C-ECHO. */
    DicomStatus storeStatus() {
        return storeStatus;
    }

    /** Discards a data set whose association ended before its last fragment. */
    void abandon() {
        if (instance != null) {
            instance.close();
            instance = null;
        }
    }
}
