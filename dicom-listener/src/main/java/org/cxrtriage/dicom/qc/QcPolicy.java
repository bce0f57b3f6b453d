package org.cxrtriage.dicom.qc;

import java.util.Set;

/**
 * What makes a study scorable by an adult chest X-ray model.
 *
 * @param minAgeYears     patients younger than this are not scored (the models are adult models)
 * @param minSizePixels   both rows and columns must be at least this
 * @param chestBodyParts  BodyPartExamined values that mean chest; a missing value is accepted
 * @param modalities      modalities that can be chest radiographs
 */
public record QcPolicy(int minAgeYears, int minSizePixels, Set<String> chestBodyParts, Set<String> modalities) {

    public static QcPolicy defaults() {
        return new QcPolicy(18, 256, Set.of("CHEST", "THORAX", "LUNG", "PORT CHEST"), Set.of("CR", "DX", "OT"));
    }
}
