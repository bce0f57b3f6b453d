package org.cxrtriage.dicom.qc;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * What makes a study scorable by an adult chest X-ray model.
 *
 * @param minAgeYears            patients younger than this are not scored (the models are adult models)
 * @param minSizePixels          both rows and columns must be at least this
 * @param chestBodyParts         BodyPartExamined values that mean chest
 * @param modalities             modalities that are radiographs: their images are chest images unless the
 *                               body part says otherwise
 * @param secondaryCaptureModalities modalities of captured or digitised images (OT, SC): scored only when
 *                               the body part or a description positively names the chest
 */
public record QcPolicy(int minAgeYears, int minSizePixels, Set<String> chestBodyParts, Set<String> modalities,
                       Set<String> secondaryCaptureModalities) {

    /** Width over height outside this range is not a chest film (14x17 in is 0.82, 17x14 is 1.21). */
    public static final double MIN_ASPECT = 0.5;
    public static final double MAX_ASPECT = 2.0;

    /** A study or series description that names the chest: CHEST, THORAX, LUNG(S), CXR, and TORAX/THORAKS spellings. */
    static final Pattern CHEST_DESCRIPTION = Pattern.compile("(?i)(^|[^A-Z])(CHEST|THORAX|THORAKS|TORAX|TÓRAX|LUNGS?|CXR)([^A-Z]|$)");

    public static QcPolicy defaults() {
        return new QcPolicy(18, 256, Set.of("CHEST", "THORAX", "LUNG", "PORT CHEST"), Set.of("CR", "DX"), Set.of("OT", "SC"));
    }
}
