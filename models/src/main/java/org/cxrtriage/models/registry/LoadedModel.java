package org.cxrtriage.models.registry;

import org.cxrtriage.models.inference.ExecutionDevice;
import org.cxrtriage.models.inference.MicroBatcher;
import org.cxrtriage.models.inference.OnnxModel;
import org.cxrtriage.models.inference.RawOutput;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.preprocess.Preprocessor;
import org.cxrtriage.models.reliability.Observation;
import org.cxrtriage.models.reliability.ReferenceProfile;
import org.cxrtriage.models.reliability.ReliabilityCheck;
import org.cxrtriage.models.reliability.Verdict;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A verified model ready to score: manifest, ONNX session behind a micro-batcher, preprocessing,
 * calibration of each finding, and the reliability check against its reference profile.
 */
public final class LoadedModel implements AutoCloseable {

    private final ModelDirectory directory;
    private final OnnxModel model;
    private final MicroBatcher<RawOutput> batcher;
    private final Preprocessor preprocessor;
    private final OutputInterpreter interpreter;
    private final ReliabilityCheck reliability;

    private LoadedModel(ModelDirectory directory, OnnxModel model, SessionSettings settings,
                        Optional<ReferenceProfile> profile) {
        this.directory = directory;
        this.model = model;
        ModelManifest manifest = directory.manifest();
        int batch = manifest.input().dynamicBatch() ? settings.maxBatch() : 1;
        this.batcher = new MicroBatcher<>(manifest.id(), model::run, batch, settings.maxWait());
        this.preprocessor = new Preprocessor(manifest.preprocessing());
        this.interpreter = new OutputInterpreter(manifest);
        this.reliability = new ReliabilityCheck(profile, manifest.findings().size());
    }

    /** Loads the ONNX session and, when the manifest names one, the reference profile (checked at open). */
    public static LoadedModel load(ModelDirectory directory, SessionSettings settings) throws IOException {
        Optional<ReferenceProfile> profile = Optional.empty();
        Optional<Path> profileFile = directory.profileFile();
        if (profileFile.isPresent()) {
            profile = Optional.of(ReferenceProfile.read(profileFile.get()));
            String expected = directory.manifest().version();
            if (!profile.get().version().equals(expected)) {
                throw new IOException(profileFile.get() + ": version is '" + profile.get().version() + "' but the manifest"
                        + " is version '" + expected + "'; run ./cxr-triage calibrate again to build a matching profile");
            }
        }
        OnnxModel onnx = OnnxModel.load(directory, settings);
        return new LoadedModel(directory, onnx, settings, profile);
    }

    /**
     * Loads the ONNX session only, without reading the reference profile: for calibration, which
     * builds a new profile and must work even when the old one can no longer be read. Its verdicts
     * judge output plausibility only.
     */
    public static LoadedModel loadForCalibration(ModelDirectory directory, SessionSettings settings) throws IOException {
        return new LoadedModel(directory, OnnxModel.load(directory, settings), settings, Optional.empty());
    }

    public ModelManifest manifest() {
        return directory.manifest();
    }

    public ModelDirectory directory() {
        return directory;
    }

    public ExecutionDevice device() {
        return model.device();
    }

    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /** Raw values of the output tensor for one preprocessed image (1 channel; repeated for 3-channel models). */
    public CompletableFuture<float[]> raw(float[] preprocessed) {
        return run(preprocessed).thenApply(RawOutput::outputs);
    }

    /** The output tensor and, when the manifest names one, the embedding for one preprocessed image. */
    public CompletableFuture<RawOutput> run(float[] preprocessed) {
        return batcher.submit(toChannels(preprocessed));
    }

    /** Scores one preprocessed image: calibrated probabilities, operating points, and the embedding if any. */
    public CompletableFuture<ModelScore> score(float[] preprocessed) {
        return run(preprocessed).thenApply(this::interpret);
    }

    ModelScore interpret(RawOutput output) {
        ModelManifest manifest = manifest();
        return new ModelScore(manifest.id(), manifest.version(), manifest.sha256(), manifest.notForClinicalUse(),
                model.device(), interpreter.interpret(output.outputs()), output.embedding());
    }

    /**
     * The reliability verdict for one scored study against this model's reference profile (output
     * plausibility only when it has none). Cheap; call it on the scoring thread.
     */
    public Verdict judge(Observation observation) {
        return reliability.judge(observation);
    }

    public Optional<ReferenceProfile> referenceProfile() {
        return reliability.profile();
    }

    private float[] toChannels(float[] oneChannel) {
        int channels = manifest().input().channels();
        if (channels == 1) {
            return oneChannel;
        }
        float[] out = new float[oneChannel.length * channels];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(oneChannel, 0, out, c * oneChannel.length, oneChannel.length);
        }
        return out;
    }

    /** Finishes queued requests, then releases the session. */
    @Override
    public void close() {
        batcher.close();
        model.close();
    }
}
