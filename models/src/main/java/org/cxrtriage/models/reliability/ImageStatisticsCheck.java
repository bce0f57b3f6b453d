package org.cxrtriage.models.reliability;

import java.util.Locale;
import java.util.Map;

/** Signal (b), image: how far the image's judged facts lie outside the reference bands. */
final class ImageStatisticsCheck {

    static final String NAME = "image.statistics";

    /** The fact that lies furthest outside its band, and by how many band widths. */
    record Exceedance(String key, double fact, double value) {
    }

    private ImageStatisticsCheck() {
    }

    static Exceedance largestExceedance(Map<String, NumericBand> bands, ImageFacts image) {
        Map<String, Double> facts = image.numeric();
        Exceedance largest = new Exceedance("", Double.NaN, 0);
        for (Map.Entry<String, NumericBand> band : bands.entrySet()) {
            Double fact = facts.get(band.getKey());
            double value = fact == null ? 0 : band.getValue().exceedance(fact);
            if (value > largest.value()) {
                largest = new Exceedance(band.getKey(), fact, value);
            }
        }
        return largest;
    }

    static Signal signal(ReferenceProfile profile, ImageFacts image) {
        Exceedance largest = largestExceedance(profile.bands(), image);
        boolean fired = largest.value() > profile.imageThreshold();
        String detail = largest.key().isEmpty() ? "" : String.format(Locale.ROOT, "%s = %.3g (reference %.3g to %.3g)",
                largest.key(), largest.fact(), profile.bands().get(largest.key()).low(),
                profile.bands().get(largest.key()).high());
        return new Signal(NAME, largest.value(), profile.imageThreshold(), fired, false, detail);
    }
}
