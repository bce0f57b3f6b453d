package org.cxrtriage.models.preprocess;

import org.cxrtriage.models.reliability.ImageFacts;

/**
 * A model input and what the preprocessing measured on the way.
 *
 * @param input one channel, row-major, width x height floats, normalised as the manifest says
 * @param facts intensity, texture and geometry facts for the reliability verdict and drift monitoring
 */
public record PreparedImage(float[] input, ImageFacts facts) {
}
