package org.cxrtriage.models.reliability;

import org.cxrtriage.models.registry.FindingScore;

/**
 * Signal (c): implausible output, i.e. more findings confidently present at once (calibrated
 * probability at or above {@link VerdictFacts#CONFIDENT}) than reliable reference studies ever had.
 * A model that sees something it was never trained on often calls many findings at once.
 */
final class OutputPlausibilityCheck {

    static final String NAME = "output.confidentFindings";

    private OutputPlausibilityCheck() {
    }

    static int confidentCount(Observation observation) {
        int count = 0;
        for (FindingScore finding : observation.findings()) {
            count += finding.probability() >= VerdictFacts.CONFIDENT ? 1 : 0;
        }
        return count;
    }

    /** @param maxConfident the most confident findings a reliable study may have */
    static Signal signal(Observation observation, int maxConfident, String basis) {
        int count = confidentCount(observation);
        int threshold = maxConfident + 1;
        return new Signal(NAME, count, threshold, count >= threshold, false,
                count + " of " + observation.findings().size() + " findings at or above " + VerdictFacts.CONFIDENT
                        + "; " + threshold + " or more is implausible (" + basis + ")");
    }
}
