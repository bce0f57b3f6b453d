package org.cxrtriage.dicom.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.PresentationContext;

import java.util.LinkedList;

/**
 * Sends arbitrary bytes as the data set of a C-STORE. DCMTK refuses to send malformed files, so
 * the malformed-input tests use PixelMed's association initiator directly.
 */
final class RawStoreScu {

    static final String CR = "1.2.840.10008.5.1.4.1.1.1";
    static final String EXPLICIT_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

    private RawStoreScu() {
    }

    /** Returns the status of the C-STORE response and its error comment, as "0xC000 comment". */
    static String store(int port, String sopInstanceUid, byte[] dataSet) throws Exception {
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        contexts.add(new PresentationContext((byte) 1, CR, EXPLICIT_LITTLE_ENDIAN));
        Association association = AssociationFactory.createNewAssociation(
                "127.0.0.1", port, "CXRTRIAGE", "FUZZER", contexts, null, false);
        try {
            byte[] command = new CStoreRequestCommandMessage(CR, sopInstanceUid).getBytes();
            ResponseReader reader = new ResponseReader();
            association.setReceivedDataHandler(reader);
            association.send((byte) 1, command, dataSet);
            association.waitForCommandPDataPDUs();
            return String.format("0x%04X %s", reader.getStatus(), reader.comment).trim();
        } finally {
            try {
                association.release();
            } catch (com.pixelmed.network.DicomNetworkException e) {
                // PixelMed's initiator sometimes reports its own socket closed while releasing; the
                // response we test has been read by then, and the next test step checks the server.
            }
        }
    }

    private static final class ResponseReader extends CompositeResponseHandler {
        String comment = "";

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            status = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, 0xFFFF);
            comment = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.ErrorComment);
            success = status == 0;
        }
    }
}
