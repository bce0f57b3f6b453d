package org.cxrtriage.models.reliability;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * DICOM header values the reliability verdict and drift monitoring look at. Strings are empty
 * when the header does not have them; coded values (modality, photometric interpretation, view
 * position, body part) are upper-cased, free text (manufacturer, model name) only trimmed.
 *
 * @param bitsStored Bits Stored (0028,0101); 0 when unknown
 */
public record HeaderFacts(String modality, String photometricInterpretation, int bitsStored, String manufacturer,
                          String manufacturerModelName, String viewPosition, String bodyPartExamined) {

    public HeaderFacts {
        modality = code(modality);
        photometricInterpretation = code(photometricInterpretation);
        manufacturer = text(manufacturer);
        manufacturerModelName = text(manufacturerModelName);
        viewPosition = code(viewPosition);
        bodyPartExamined = code(bodyPartExamined);
    }

    /** Nothing known about the header (e.g. a caller without DICOM); never counts as an unseen value. */
    public static HeaderFacts unknown() {
        return new HeaderFacts("", "", 0, "", "", "", "");
    }

    /**
     * Every value by its profile key ({@code header.*}), the same keys as
     * {@link ReferenceProfile#categoricalReference()}. Unknown values are empty strings.
     */
    public Map<String, String> categorical() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("header.modality", modality);
        facts.put("header.photometricInterpretation", photometricInterpretation);
        facts.put("header.bitsStored", bitsStored == 0 ? "" : Integer.toString(bitsStored));
        facts.put("header.manufacturer", manufacturer);
        facts.put("header.manufacturerModelName", manufacturerModelName);
        facts.put("header.viewPosition", viewPosition);
        facts.put("header.bodyPartExamined", bodyPartExamined);
        return facts;
    }

    private static String code(String value) {
        return value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
    }

    private static String text(String value) {
        return value == null ? "" : value.trim();
    }
}
