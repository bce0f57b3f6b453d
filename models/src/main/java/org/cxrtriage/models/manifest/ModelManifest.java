package org.cxrtriage.models.manifest;

import java.util.List;
import java.util.Optional;

/**
 * Everything cxr-triage needs to know to run a model and to interpret its output, read from
 * {@code manifest.json} beside {@code model.onnx}. See README "Model manifest" and
 * {@code manifest.schema.json}.
 *
 * @param sha256       lowercase hex SHA-256 of the ONNX file; the model is refused if it differs
 * @param findings     one entry per model output used for triage, in output order
 * @param notForClinicalUse shown wherever the model's results are shown
 * @param paritySamples inputs with the outputs the model must produce (checked by "model verify")
 * @param embedding    the model's second output holding penultimate-layer features, if it has one
 * @param reliability  the reference profile the reliability verdict compares each study with, if any
 */
public record ModelManifest(
        String id,
        String version,
        String sha256,
        String file,
        InputSpec input,
        Preprocessing preprocessing,
        OutputSpec output,
        List<Finding> findings,
        String intendedUse,
        boolean notForClinicalUse,
        List<ParitySample> paritySamples,
        double parityTolerance,
        Optional<EmbeddingSpec> embedding,
        Optional<ReliabilitySpec> reliability) {

    /** The model's input tensor: name and NCHW shape, batch dimension -1 when dynamic. */
    public record InputSpec(String name, int channels, int height, int width, boolean dynamicBatch) {
    }

    /**
     * How a decoded image becomes the input tensor: centre crop, exact area-average resize to
     * {@code width x height}, windowing, then normalisation.
     */
    public record Preprocessing(int width, int height, Crop crop, Window window, Normalisation normalisation) {
    }

    public enum Crop { NONE, CENTER_SQUARE }

    /**
     * How pixel values are mapped to [0, 1] before normalisation. VOI uses the image's own window
     * (falling back to min-max when it has none); PERCENTILE uses the given percentiles of the
     * resized image (numpy's linear interpolation); MINMAX its minimum and maximum.
     */
    public record Window(WindowMethod method, double lowPercentile, double highPercentile) {
    }

    public enum WindowMethod { VOI, MINMAX, PERCENTILE }

    /** [0, 1] to the model's range: RANGE maps linearly to [min, max]; MEAN_STD subtracts and divides. */
    public record Normalisation(NormalisationMethod method, double min, double max, double mean, double std) {
        public float apply(double unit) {
            return (float) (method == NormalisationMethod.RANGE ? min + unit * (max - min) : (unit - mean) / std);
        }
    }

    public enum NormalisationMethod { RANGE, MEAN_STD }

    /** The output tensor and whether it holds logits or probabilities. */
    public record OutputSpec(String name, Activation activation, int size) {
    }

    public enum Activation { LOGITS, PROBABILITIES }

    /**
     * One finding the model reports.
     *
     * @param index          position in the output vector
     * @param key            stable identifier, e.g. "pneumothorax"
     * @param severityWeight in (0, 1]: how strongly a positive finding raises worklist priority
     * @param operatingPoint the threshold on the calibrated probability, if one was chosen
     */
    public record Finding(
            int index,
            String key,
            String display,
            Code code,
            boolean critical,
            double severityWeight,
            CalibrationSpec calibration,
            Optional<OperatingPoint> operatingPoint) {
    }

    /** A coded concept, e.g. SNOMED CT or RadLex. */
    public record Code(String system, String code, String display) {
    }

    /**
     * How the raw output becomes a probability. PLATT: p = sigmoid(a * logit + b); ISOTONIC:
     * piecewise-linear interpolation through (x, y) over the uncalibrated probability; NONE: the
     * uncalibrated probability.
     */
    public record CalibrationSpec(CalibrationMethod method, double a, double b, List<Double> x, List<Double> y,
                                  String version, String fittedOn) {
    }

    public enum CalibrationMethod { NONE, PLATT, ISOTONIC }

    /**
     * A decision threshold on the calibrated probability with its measured performance.
     *
     * @param sensitivityCi95 Wilson 95% interval, {low, high}
     */
    public record OperatingPoint(double threshold, double targetSensitivity, double sensitivity,
                                 List<Double> sensitivityCi95, double specificity, List<Double> specificityCi95,
                                 int positives, int negatives) {
    }

    /**
     * An output tensor of shape [batch, dimension] with features the reliability verdict compares
     * with its reference profile (e.g. the pooled penultimate layer).
     */
    public record EmbeddingSpec(String name, int dimension) {
    }

    /**
     * The reference profile beside the ONNX file. It is checked by SHA-256 like the model file and
     * carries the same version as the calibration it was built with.
     *
     * @param profileFile file name relative to the model directory
     * @param sha256      lowercase hex SHA-256 of that file
     * @param version     the manifest version (calibration) the profile belongs to
     */
    public record ReliabilitySpec(String profileFile, String sha256, String version) {
    }

    /**
     * A preprocessed input tensor (raw little-endian float32 file) and the outputs expected for it.
     *
     * @param expectedEmbedding the embedding output expected for it; empty when not recorded
     */
    public record ParitySample(String input, List<Double> expectedOutputs, List<Double> expectedEmbedding) {
    }

    /** The same manifest with other findings (e.g. new calibrations), everything else unchanged. */
    public ModelManifest withFindings(List<Finding> replaced) {
        return new ModelManifest(id, version, sha256, file, input, preprocessing, output, List.copyOf(replaced), intendedUse,
                notForClinicalUse, paritySamples, parityTolerance, embedding, reliability);
    }

    public Finding finding(String key) {
        return findings.stream().filter(f -> f.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model " + id + " has no finding " + key));
    }
}
