package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.CodedSequenceItem;
import com.pixelmed.dicom.DicomException;
import org.cxrtriage.app.delivery.ResultMessage.Finding;

/**
 * The coded concepts of our SR, each with the code meaning PS3.16 gives it (the validator warns on
 * a different meaning). Codes in a CID are the ones PixelMed's validator knows for that CID: the
 * procedure reported must come from CID 100, whose only entry suited to a radiograph is
 * (363679005, SCT, "Imaging procedure").
 */
final class SrCodes {

    /** One coded concept; {@link #item()} builds a fresh PixelMed code sequence item. */
    record Code(String value, String scheme, String meaning) {
        CodedSequenceItem item() throws DicomException {
            return new CodedSequenceItem(value, scheme, meaning);
        }
    }

    static final Code IMAGING_MEASUREMENT_REPORT = new Code("126000", "DCM", "Imaging Measurement Report");
    static final Code LANGUAGE = new Code("121049", "DCM", "Language of Content Item and Descendants");
    static final Code ENGLISH = new Code("en", "RFC5646", "English");
    static final Code OBSERVER_TYPE = new Code("121005", "DCM", "Observer Type");
    static final Code DEVICE = new Code("121007", "DCM", "Device");
    static final Code DEVICE_OBSERVER_UID = new Code("121012", "DCM", "Device Observer UID");
    static final Code DEVICE_OBSERVER_NAME = new Code("121013", "DCM", "Device Observer Name");
    static final Code DEVICE_OBSERVER_MANUFACTURER = new Code("121014", "DCM", "Device Observer Manufacturer");
    static final Code DEVICE_OBSERVER_MODEL_NAME = new Code("121015", "DCM", "Device Observer Model Name");
    static final Code PROCEDURE_REPORTED = new Code("121058", "DCM", "Procedure reported");
    static final Code IMAGING_PROCEDURE = new Code("363679005", "SCT", "Imaging procedure");
    static final Code IMAGING_MEASUREMENTS = new Code("126010", "DCM", "Imaging Measurements");
    static final Code MEASUREMENT_GROUP = new Code("125007", "DCM", "Measurement Group");
    static final Code TRACKING_IDENTIFIER = new Code("112039", "DCM", "Tracking Identifier");
    static final Code TRACKING_UID = new Code("112040", "DCM", "Tracking Unique Identifier");
    static final Code FINDING = new Code("121071", "DCM", "Finding");
    static final Code ALGORITHM_NAME = new Code("111001", "DCM", "Algorithm Name");
    static final Code ALGORITHM_VERSION = new Code("111003", "DCM", "Algorithm Version");
    static final Code ALGORITHM_PARAMETERS = new Code("111002", "DCM", "Algorithm Parameters");
    static final Code CERTAINTY_OF_FINDING = new Code("111012", "DCM", "Certainty of Finding");
    static final Code PERCENT = new Code("%", "UCUM", "percent");
    static final Code SOURCE_OF_MEASUREMENT = new Code("121112", "DCM", "Source of Measurement");
    static final Code QUALITATIVE_EVALUATIONS = new Code("C0034375", "UMLS", "Qualitative Evaluations");
    static final Code COMMENT = new Code("121106", "DCM", "Comment");
    /** CID 241 Present/Absent. */
    static final Code PRESENT = new Code("52101004", "SCT", "Present");
    static final Code ABSENT = new Code("272519000", "SCT", "Absent");
    /** CID 230. */
    static final Code UNDETERMINED = new Code("373068000", "SCT", "Undetermined");

    private SrCodes() {
    }

    /**
     * A finding's code in DICOM form. DICOM's Code Value holds at most 16 characters (longer ones
     * need Long Code Value, which PixelMed 2022 does not know); a longer code is replaced by a
     * local code derived from the finding, and its meaning keeps the display text.
     */
    static CodedSequenceItem finding(Finding finding) throws DicomException {
        String scheme = CodeSystems.dicom(finding.codeSystem());
        String value = DicomValues.text(finding.code(), 1000);
        String meaning = DicomValues.text(finding.display().isBlank() ? finding.key() : finding.display(), DicomValues.LO);
        if (meaning.isEmpty()) {
            meaning = value.isEmpty() ? "unnamed finding" : value;
        }
        if (value.isEmpty() || value.length() > DicomValues.SH) {
            scheme = CodeSystems.LOCAL_DICOM;
            value = localCode(finding);
        }
        return new CodedSequenceItem(value, scheme, meaning);
    }

    /** A stable local code of at most 16 characters for a finding whose own code does not fit. */
    private static String localCode(Finding finding) {
        String key = finding.key().replaceAll("[^A-Za-z0-9_.-]", "");
        if (!key.isEmpty() && key.length() <= DicomValues.SH) {
            return key;
        }
        String hash = DerivedUids.of("cxr-triage/local-code", finding.codeSystem(), finding.code(), finding.key());
        return "F" + hash.substring(hash.length() - 15);
    }
}
