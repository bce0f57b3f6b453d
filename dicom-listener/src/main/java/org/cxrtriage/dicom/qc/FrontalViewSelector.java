package org.cxrtriage.dicom.qc;

import org.cxrtriage.dicom.image.InstanceMetadata;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Picks the frontal (PA or AP) images of a study. ViewPosition decides when present; without it,
 * Patient Orientation (a frontal image has L or R along its rows) and the series or study
 * description are used. Images whose view cannot be told are treated as frontal candidates only
 * when no image is known to be frontal, so a study is not dropped for missing tags.
 */
public final class FrontalViewSelector {

    public enum View { PA, AP, FRONTAL_UNSPECIFIED, LATERAL, UNKNOWN }

    private FrontalViewSelector() {
    }

    public static List<InstanceMetadata> select(List<InstanceMetadata> instances) {
        List<InstanceMetadata> known = instances.stream()
                .filter(instance -> isFrontal(viewOf(instance)))
                .sorted(Comparator.comparing(instance -> viewOf(instance).ordinal()))
                .toList();
        if (!known.isEmpty()) {
            return known;
        }
        return instances.stream().filter(instance -> viewOf(instance) == View.UNKNOWN).toList();
    }

    public static View viewOf(InstanceMetadata instance) {
        String position = instance.viewPosition();
        switch (position) {
            case "PA":
                return View.PA;
            case "AP":
                return View.AP;
            case "LL", "RL", "LATERAL", "LAT", "LLD", "RLD", "RLO", "LLO":
                return View.LATERAL;
            default:
                break;
        }
        String orientation = instance.patientOrientation().toUpperCase(Locale.ROOT);
        if (!orientation.isEmpty()) {
            char rowDirection = orientation.charAt(0);
            if (rowDirection == 'L' || rowDirection == 'R') {
                return View.FRONTAL_UNSPECIFIED;
            }
            if (rowDirection == 'A' || rowDirection == 'P') {
                return View.LATERAL;
            }
        }
        String description = (instance.seriesDescription() + " " + instance.studyDescription()).toUpperCase(Locale.ROOT);
        if (description.matches(".*\\bLAT(ERAL)?\\b.*")) {
            return View.LATERAL;
        }
        if (description.matches(".*\\b(PA|AP|FRONTAL)\\b.*")) {
            return View.FRONTAL_UNSPECIFIED;
        }
        return View.UNKNOWN;
    }

    private static boolean isFrontal(View view) {
        return view == View.PA || view == View.AP || view == View.FRONTAL_UNSPECIFIED;
    }
}
