package org.cxrtriage.dicom.qc;

import org.cxrtriage.dicom.image.InstanceMetadata;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides from the headers whether a study can be scored: it must contain a frontal chest
 * radiograph of an adult, large enough to read. Pixel decoding failures are added later with
 * {@link #undecodable}.
 */
public final class QualityCheck {

    private final QcPolicy policy;

    public QualityCheck(QcPolicy policy) {
        this.policy = policy;
    }

    public QcVerdict check(List<InstanceMetadata> instances) {
        Set<String> reasons = new LinkedHashSet<>();
        List<InstanceMetadata> radiographs = new ArrayList<>();
        for (InstanceMetadata instance : instances) {
            if (!policy.modalities().contains(instance.modality())) {
                reasons.add("not a radiograph (modality " + blankAs(instance.modality(), "unknown") + ")");
            } else if (!instance.bodyPartExamined().isEmpty() && !policy.chestBodyParts().contains(instance.bodyPartExamined())) {
                reasons.add("not a chest image (body part " + instance.bodyPartExamined() + ")");
            } else {
                radiographs.add(instance);
            }
        }
        if (!radiographs.isEmpty()) {
            reasons.clear();
        }
        List<InstanceMetadata> frontal = FrontalViewSelector.select(radiographs);
        if (!radiographs.isEmpty() && frontal.isEmpty()) {
            reasons.add("lateral view only");
        }
        List<InstanceMetadata> largeEnough = frontal.stream()
                .filter(instance -> instance.rows() >= policy.minSizePixels() && instance.columns() >= policy.minSizePixels())
                .toList();
        if (!frontal.isEmpty() && largeEnough.isEmpty()) {
            InstanceMetadata first = frontal.get(0);
            reasons.add("image too small (" + first.columns() + "x" + first.rows() + ", need "
                    + policy.minSizePixels() + " pixels a side)");
        }
        for (InstanceMetadata instance : largeEnough) {
            if (instance.ageYears().isPresent() && instance.ageYears().get() < policy.minAgeYears()) {
                reasons.add("paediatric patient (under " + policy.minAgeYears() + " years)");
                break;
            }
        }
        if (instances.isEmpty()) {
            reasons.add("no images in study");
        }
        return new QcVerdict(reasons.isEmpty() ? largeEnough : List.of(), List.copyOf(reasons));
    }

    /** The verdict when the selected image's pixels cannot be decoded. */
    public static QcVerdict undecodable(String why) {
        return new QcVerdict(List.of(), List.of("undecodable image: " + why));
    }

    private static String blankAs(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
