package org.cxrtriage.models.registry;

import org.cxrtriage.models.inference.ExecutionDevice;

import java.util.List;
import java.util.Optional;

/**
 * Everything one model said about one image, with the identity of the model that said it.
 *
 * @param embedding the model's embedding output for the image, when its manifest names one
 */
public record ModelScore(
        String modelId,
        String modelVersion,
        String modelSha256,
        boolean notForClinicalUse,
        ExecutionDevice device,
        List<FindingScore> findings,
        Optional<float[]> embedding) {

    /** A score from a model without an embedding output. */
    public ModelScore(String modelId, String modelVersion, String modelSha256, boolean notForClinicalUse,
                      ExecutionDevice device, List<FindingScore> findings) {
        this(modelId, modelVersion, modelSha256, notForClinicalUse, device, findings, Optional.empty());
    }
}
