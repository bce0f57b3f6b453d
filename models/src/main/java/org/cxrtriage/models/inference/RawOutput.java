package org.cxrtriage.models.inference;

import java.util.Optional;

/**
 * What the network produced for one image.
 *
 * @param outputs   the values of the manifest's output tensor (output.size of them: logits or probabilities)
 * @param embedding the values of the embedding output when the manifest names one (its dimension)
 */
public record RawOutput(float[] outputs, Optional<float[]> embedding) {
}
