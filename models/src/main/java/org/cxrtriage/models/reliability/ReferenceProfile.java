package org.cxrtriage.models.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a model's reference data looked like: what the per-study verdict compares with, and what
 * population drift monitoring needs. Built by {@link ReferenceProfileBuilder} from the studies a
 * calibration was fitted on, stored as JSON beside the model (its SHA-256 in the manifest) and
 * versioned with that calibration.
 *
 * @param version              the manifest version (calibration) it belongs to
 * @param studyCount           how many studies it was built from
 * @param createdFrom          a human description of those studies
 * @param numericReference     per numeric fact ({@link ImageFacts#numeric()} keys) a sample of at most
 *                             {@link ReferenceProfileBuilder#MAX_SAMPLE} reference values, for two-sample KS tests
 * @param categoricalReference per header fact ({@link HeaderFacts#categorical()} keys) the count of each value
 * @param scoreReference       per finding key a sample of calibrated probabilities
 * @param positiveRate         per finding key the fraction positive at its operating point (NaN without one)
 * @param bands                the per-study verdict's range of each judged numeric fact
 * @param imageThreshold       largest band exceedance of a reliable image
 * @param imageDistanceKeys    the numeric facts the image distance is measured over, in order
 * @param imageDistance        the reference distribution of those facts
 * @param embedding            the embedding reference, when the model has an embedding output
 * @param maxConfident         the most findings at or above {@link #CONFIDENT} seen together in a reliable study
 * @param referenceQuantile    the reference quantile the thresholds were set at (e.g. 0.995)
 */
public record ReferenceProfile(
        String version,
        int studyCount,
        String createdFrom,
        Map<String, double[]> numericReference,
        Map<String, Map<String, Long>> categoricalReference,
        Map<String, double[]> scoreReference,
        Map<String, Double> positiveRate,
        Map<String, NumericBand> bands,
        double imageThreshold,
        List<String> imageDistanceKeys,
        MahalanobisReference imageDistance,
        Optional<MahalanobisReference> embedding,
        int maxConfident,
        double referenceQuantile) {

    /** A calibrated probability at or above this counts as a confident finding. */
    public static final double CONFIDENT = VerdictFacts.CONFIDENT;

    public ReferenceProfile {
        numericReference = Map.copyOf(numericReference);
        categoricalReference = Map.copyOf(categoricalReference);
        scoreReference = Map.copyOf(scoreReference);
        positiveRate = Map.copyOf(positiveRate);
        bands = Map.copyOf(bands);
        imageDistanceKeys = List.copyOf(imageDistanceKeys);
    }

    public static ReferenceProfile read(Path file) throws IOException {
        return ProfileJson.read(file);
    }

    /** Writes the profile as JSON (atomically: a temporary file renamed over the target). */
    public void write(Path file) throws IOException {
        ProfileJson.write(this, file);
    }
}
