package org.cxrtriage.models.registry;

import org.cxrtriage.models.inference.ExecutionDevice;

import java.util.List;

/** Everything one model said about one image, with the identity of the model that said it. */
public record ModelScore(
        String modelId,
        String modelVersion,
        String modelSha256,
        boolean notForClinicalUse,
        ExecutionDevice device,
        List<FindingScore> findings) {
}
