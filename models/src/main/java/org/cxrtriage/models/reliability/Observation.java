package org.cxrtriage.models.reliability;

import org.cxrtriage.models.registry.FindingScore;

import java.util.List;
import java.util.Optional;

/**
 * Everything known about one scored study that the reliability verdict judges and a reference
 * profile is built from.
 *
 * @param embedding the model's embedding output for the study's image, when the model has one
 * @param findings  the model's calibrated scores, in manifest order
 */
public record Observation(ImageFacts image, HeaderFacts header, Optional<float[]> embedding,
                          List<FindingScore> findings) {

    public Observation {
        findings = List.copyOf(findings);
    }
}
