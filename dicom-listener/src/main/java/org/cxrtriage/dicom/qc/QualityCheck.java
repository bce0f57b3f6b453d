package org.cxrtriage.dicom.qc;

import org.cxrtriage.dicom.image.InstanceMetadata;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides from the headers whether a study can be scored: it must contain an image positively
 * identified as a frontal chest radiograph of an adult, large enough to read and shaped like a
 * chest film. Positively identified means a radiograph modality (CR, DX) whose body part, if sent,
 * is the chest; or a captured image (OT, SC: test patterns, screenshots, digitised films) whose
 * body part or study or series description names the chest. Pixel decoding failures are added
 * later with {@link #undecodable}.
 */
public final class QualityCheck {

    private final QcPolicy policy;

    public QualityCheck(QcPolicy policy) {
        this.policy = policy;
    }

    public QcVerdict check(List<InstanceMetadata> instances) {
        Set<String> reasons = new LinkedHashSet<>();
        List<InstanceMetadata> chestImages = new ArrayList<>();
        for (InstanceMetadata instance : instances) {
            rejection(instance).ifPresentOrElse(reasons::add, () -> chestImages.add(instance));
        }
        if (instances.isEmpty()) {
            reasons.add("no image in study");
        }
        if (!chestImages.isEmpty()) {
            reasons.clear();
        }
        List<InstanceMetadata> frontal = FrontalViewSelector.select(chestImages);
        if (!chestImages.isEmpty() && frontal.isEmpty()) {
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
        List<InstanceMetadata> chestShaped = largeEnough.stream().filter(QualityCheck::chestShaped).toList();
        if (!largeEnough.isEmpty() && chestShaped.isEmpty()) {
            InstanceMetadata first = largeEnough.get(0);
            reasons.add("not a chest radiograph (a " + first.columns() + "x" + first.rows() + " image is not shaped like a chest film)");
        }
        for (InstanceMetadata instance : chestShaped) {
            if (instance.ageYears().isPresent() && instance.ageYears().get() < policy.minAgeYears()) {
                reasons.add("paediatric patient (under " + policy.minAgeYears() + " years)");
                break;
            }
        }
        return new QcVerdict(reasons.isEmpty() ? chestShaped : List.of(), List.copyOf(reasons));
    }

    /** Why this instance is not a chest image, or empty when it is one. */
    private Optional<String> rejection(InstanceMetadata instance) {
        String modality = instance.modality().toUpperCase(Locale.ROOT);
        String bodyPart = instance.bodyPartExamined();
        if (!instance.hasPixelData()) {
            return Optional.of("no image (the object has no pixel data)");
        }
        if (policy.modalities().contains(modality)) {
            if (!bodyPart.isEmpty() && !policy.chestBodyParts().contains(bodyPart)) {
                return Optional.of("not a chest image (body part " + bodyPart + ")");
            }
            return Optional.empty();
        }
        if (policy.secondaryCaptureModalities().contains(modality)) {
            if (policy.chestBodyParts().contains(bodyPart) || namesTheChest(instance)) {
                return Optional.empty();
            }
            return Optional.of("not a chest radiograph (modality " + modality
                    + " without a chest body part or description)");
        }
        return Optional.of("not a radiograph (modality " + blankAs(modality, "unknown") + ")");
    }

    private static boolean namesTheChest(InstanceMetadata instance) {
        return QcPolicy.CHEST_DESCRIPTION.matcher(instance.studyDescription()).find()
                || QcPolicy.CHEST_DESCRIPTION.matcher(instance.seriesDescription()).find();
    }

    private static boolean chestShaped(InstanceMetadata instance) {
        double aspect = (double) instance.columns() / instance.rows();
        return aspect >= QcPolicy.MIN_ASPECT && aspect <= QcPolicy.MAX_ASPECT;
    }

    /** The verdict when the selected image's pixels cannot be decoded. */
    public static QcVerdict undecodable(String why) {
        return new QcVerdict(List.of(), List.of("undecodable image: " + why));
    }

    private static String blankAs(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
