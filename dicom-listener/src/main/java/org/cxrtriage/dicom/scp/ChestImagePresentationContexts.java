package org.cxrtriage.dicom.scp;

import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;

import java.util.LinkedList;
import java.util.List;
import java.util.Set;

/**
 * Which presentation contexts we accept: Verification, and the storage SOP classes a chest
 * radiograph arrives in, each only in a transfer syntax our decoder reads. JPEG-LS and 12-bit JPEG
 * are left out on purpose, so a PACS transcodes them to one of these. Among the proposed transfer
 * syntaxes we take the first we accept, honouring the sender's order of preference.
 */
public final class ChestImagePresentationContexts implements PresentationContextSelectionPolicy {

    public static final String VERIFICATION = "1.2.840.10008.1.1";

    /** CR, DX for presentation, DX for processing, Secondary Capture. */
    public static final Set<String> STORAGE_SOP_CLASSES = Set.of(
            "1.2.840.10008.5.1.4.1.1.1",
            "1.2.840.10008.5.1.4.1.1.1.1",
            "1.2.840.10008.5.1.4.1.1.1.1.1",
            "1.2.840.10008.5.1.4.1.1.7");

    /** Transfer syntaxes we can decode, in no particular order. */
    public static final Set<String> TRANSFER_SYNTAXES = Set.of(
            "1.2.840.10008.1.2",          // implicit VR little endian
            "1.2.840.10008.1.2.1",        // explicit VR little endian
            "1.2.840.10008.1.2.2",        // explicit VR big endian (retired, still sent)
            "1.2.840.10008.1.2.1.99",     // deflated explicit VR little endian
            "1.2.840.10008.1.2.4.50",     // JPEG baseline (process 1)
            "1.2.840.10008.1.2.4.57",     // JPEG lossless (process 14)
            "1.2.840.10008.1.2.4.70",     // JPEG lossless, first-order prediction (SV1)
            "1.2.840.10008.1.2.4.90",     // JPEG 2000 lossless
            "1.2.840.10008.1.2.4.91",     // JPEG 2000
            "1.2.840.10008.1.2.5");       // RLE lossless

    private static final byte ACCEPTANCE = 0;
    private static final byte ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    private static final byte TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    @Override
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList presentationContexts, int associationNumber) {
        for (Object item : presentationContexts) {
            select((PresentationContext) item);
        }
        return presentationContexts;
    }

    @Override
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList presentationContexts, int associationNumber,
                                                              int debugLevel) {
        return applyPresentationContextSelectionPolicy(presentationContexts, associationNumber);
    }

    private static void select(PresentationContext context) {
        String abstractSyntax = context.getAbstractSyntaxUID();
        boolean verification = VERIFICATION.equals(abstractSyntax);
        if (!verification && !STORAGE_SOP_CLASSES.contains(abstractSyntax)) {
            reject(context, ABSTRACT_SYNTAX_NOT_SUPPORTED);
            return;
        }
        String chosen = null;
        for (Object proposed : (List<?>) context.getTransferSyntaxUIDs()) {
            String uid = String.valueOf(proposed).trim();
            boolean usable = verification ? uid.equals("1.2.840.10008.1.2") || uid.equals("1.2.840.10008.1.2.1")
                    : TRANSFER_SYNTAXES.contains(uid);
            if (usable) {
                chosen = uid;
                break;
            }
        }
        if (chosen == null) {
            reject(context, TRANSFER_SYNTAXES_NOT_SUPPORTED);
            return;
        }
        context.newTransferSyntaxUIDs();
        context.addTransferSyntaxUID(chosen);
        context.setResultReason(ACCEPTANCE);
    }

    private static void reject(PresentationContext context, byte reason) {
        context.newTransferSyntaxUIDs();
        context.setResultReason(reason);
    }
}
