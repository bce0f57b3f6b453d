package org.cxrtriage.dicom.scp;

import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;

import java.util.LinkedList;
import java.util.List;
import java.util.Set;

/**
 * Which presentation contexts we accept (PS3.4 Annex B, PS3.8 9.3.3.2). A PACS forwards whole
 * studies, and one refused SOP class fails its whole forward, so every Storage SOP class is
 * accepted: Verification in implicit or explicit VR little endian; image storage classes in a
 * transfer syntax our decoder reads ({@link #IMAGE_TRANSFER_SYNTAXES}: JPEG-LS and 12-bit JPEG are
 * left out on purpose, so a PACS transcodes them); storage classes without pixel data (SR, KOS,
 * presentation states, dose reports, encapsulated documents, waveforms, ...) in any standard
 * transfer syntax PixelMed can parse, since no pixels are decoded. Non-storage abstract syntaxes
 * (query/retrieve, worklist, storage commitment, ...) are refused with "abstract syntax not
 * supported". Among the proposed transfer syntaxes the first acceptable one wins, honouring the
 * sender's order of preference. UIDs arrive trimmed of padding ({@link AssociateRequest}).
 */
public final class StoragePresentationContexts implements PresentationContextSelectionPolicy {

    public static final String VERIFICATION = "1.2.840.10008.1.1";

    /** Transfer syntaxes in which we accept (and can decode) image storage classes. */
    public static final Set<String> IMAGE_TRANSFER_SYNTAXES = Set.of(
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

    /** The Storage Service Class root: every SOP class under it is a storage SOP class (PS3.4 B.5). */
    private static final String STORAGE_FAMILY = "1.2.840.10008.5.1.4.1.1.";
    /** Standard storage SOP classes outside that root (PS3.4 B.5, GG, T, HH, ...). */
    private static final Set<String> OTHER_STORAGE = Set.of(
            "1.2.840.10008.5.1.4.34.7",   // RT Beams Delivery Instruction
            "1.2.840.10008.5.1.4.34.10",  // RT Brachy Application Setup Delivery Instruction
            "1.2.840.10008.5.1.4.38.1",   // Hanging Protocol
            "1.2.840.10008.5.1.4.39.1",   // Color Palette
            "1.2.840.10008.5.1.4.43.1",   // Generic Implant Template
            "1.2.840.10008.5.1.4.44.1",   // Implant Assembly Template
            "1.2.840.10008.5.1.4.45.1");  // Implant Template Group
    private static final String STANDARD_TRANSFER_SYNTAX_ROOT = "1.2.840.10008.1.2";

    private static final byte ACCEPTANCE = 0;
    private static final byte ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    private static final byte TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    /** A storage SOP class: under the storage root, one of the others, or a (private) storage class PixelMed knows. */
    public static boolean isStorage(String sopClassUid) {
        return sopClassUid.startsWith(STORAGE_FAMILY) || OTHER_STORAGE.contains(sopClassUid) || SOPClass.isStorage(sopClassUid);
    }

    /** Storage classes PixelMed knows to carry no image (SR, KOS, presentation states, documents, ...). */
    public static boolean isNonImageStorage(String sopClassUid) {
        return SOPClass.isNonImageStorage(sopClassUid) || OTHER_STORAGE.contains(sopClassUid);
    }

    /** Whether a data set of {@code sopClassUid} is accepted in {@code transferSyntaxUid}. */
    public static boolean accepts(String sopClassUid, String transferSyntaxUid) {
        if (VERIFICATION.equals(sopClassUid)) {
            return transferSyntaxUid.equals("1.2.840.10008.1.2") || transferSyntaxUid.equals("1.2.840.10008.1.2.1");
        }
        if (!isStorage(sopClassUid)) {
            return false;
        }
        return isNonImageStorage(sopClassUid) ? parseable(transferSyntaxUid) : IMAGE_TRANSFER_SYNTAXES.contains(transferSyntaxUid);
    }

    /** A standard transfer syntax whose encoding of the data set PixelMed reads (pixel codecs do not matter). */
    private static boolean parseable(String transferSyntaxUid) {
        if (!transferSyntaxUid.equals(STANDARD_TRANSFER_SYNTAX_ROOT)
                && !transferSyntaxUid.startsWith(STANDARD_TRANSFER_SYNTAX_ROOT + ".")) {
            return false;
        }
        TransferSyntax syntax = new TransferSyntax(transferSyntaxUid);
        return syntax.isRecognized() || syntax.isDeflated() || IMAGE_TRANSFER_SYNTAXES.contains(transferSyntaxUid);
    }

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
        if (!VERIFICATION.equals(abstractSyntax) && !isStorage(abstractSyntax)) {
            reject(context, ABSTRACT_SYNTAX_NOT_SUPPORTED);
            return;
        }
        String chosen = null;
        for (Object proposed : (List<?>) context.getTransferSyntaxUIDs()) {
            String uid = String.valueOf(proposed);
            if (accepts(abstractSyntax, uid)) {
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
