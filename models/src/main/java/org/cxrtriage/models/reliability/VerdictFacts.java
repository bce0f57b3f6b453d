package org.cxrtriage.models.reliability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which facts the per-study verdict judges, and how.
 *
 * <p>Numeric: the scale-free facts of what the model was given (windowed intensity quantiles,
 * moments and saturation, texture, symmetry, layout) and the aspect ratio, each against its own
 * reference band; and all of them with the layout grid together, as one Mahalanobis distance
 * (which sees combinations no single band does, e.g. a knee's or a skull's layout). Rows, columns
 * and pixel spacing are only recorded for drift monitoring: they differ legitimately between
 * detectors, and the resize to the model's input removes them. Each fact has a floor for its band width (in its own
 * unit) that only matters when the reference hardly varies.
 *
 * <p>Header: an unseen modality or body part is decisive (the study is outside what the model was
 * calibrated for); an unseen manufacturer, model name, photometric interpretation, bit depth or
 * view position is advisory only. Measured reason (MODEL_CARD.md): on the independent generator,
 * where manufacturer and model name were new for every study, the model kept most of its
 * discrimination but not its calibration, a population-level change that a per-study flag on the
 * vendor cannot repair and that the profile's score samples expose to drift monitoring within 100
 * studies; flagging the vendor per study would instead have marked every study of a new detector
 * unreliable, whatever its image, and hidden the image-based signals that still judge each study.
 */
final class VerdictFacts {

    /** The banded facts in a fixed order, with their floors. */
    static final Map<String, Double> NUMERIC_FLOORS = floors();
    /** The facts the image distance is measured over: the banded facts and the layout grid. */
    static final List<String> DISTANCE_KEYS = distanceKeys();
    static final Set<String> DECISIVE_HEADERS = Set.of("header.modality", "header.bodyPartExamined");
    static final Set<String> ADVISORY_HEADERS = Set.of("header.manufacturer", "header.manufacturerModelName",
            "header.photometricInterpretation", "header.bitsStored", "header.viewPosition");

    /** A calibrated probability at or above this counts as a confident finding. */
    static final double CONFIDENT = 0.95;

    /** Smallest image-statistics threshold (exceedance in band widths), whatever the reference quantile gives. */
    static final double MIN_IMAGE_THRESHOLD = 0.05;

    private VerdictFacts() {
    }

    private static Map<String, Double> floors() {
        Map<String, Double> floors = new LinkedHashMap<>();
        floors.put("geometry.aspectRatio", 0.05);
        for (double level : ImageFacts.QUANTILE_LEVELS) {
            floors.put(ImageFacts.quantileKey(level), 0.02);
        }
        floors.put("intensity.mean", 0.02);
        floors.put("intensity.contrast", 0.02);
        floors.put("intensity.saturatedLow", 0.01);
        floors.put("intensity.saturatedHigh", 0.01);
        floors.put("texture.edgeEnergy", 0.005);
        floors.put("texture.leftRightSymmetry", 0.05);
        floors.put("texture.gradientAnisotropy", 0.1);
        for (String key : new String[] {"layout.centroidX", "layout.centroidY", "layout.topMinusBottom",
                "layout.centreMinusSides", "layout.middleMinusBorder"}) {
            floors.put(key, 0.02);
        }
        return java.util.Collections.unmodifiableMap(floors);
    }

    private static List<String> distanceKeys() {
        List<String> keys = new ArrayList<>(NUMERIC_FLOORS.keySet());
        for (int cell = 0; cell < ImageFacts.Layout.GRID * ImageFacts.Layout.GRID; cell++) {
            keys.add(ImageFacts.gridKey(cell));
        }
        return List.copyOf(keys);
    }

    /**
     * Without a profile only output plausibility can be judged: so many confident findings at once
     * that it is implausible, at least 3 and at least two thirds of the model's findings.
     */
    static int defaultMaxConfident(int findings) {
        return Math.max(3, (int) Math.ceil(2.0 * findings / 3)) - 1;
    }
}
