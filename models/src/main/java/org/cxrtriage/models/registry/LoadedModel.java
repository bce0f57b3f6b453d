package org.cxrtriage.models.registry;

import org.cxrtriage.models.calibration.Calibration;
import org.cxrtriage.models.inference.ExecutionDevice;
import org.cxrtriage.models.inference.MicroBatcher;
import org.cxrtriage.models.inference.OnnxModel;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.manifest.ModelManifest.Finding;
import org.cxrtriage.models.preprocess.Preprocessor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A verified model ready to score: manifest, ONNX session behind a micro-batcher, preprocessing
 * and calibration of each finding.
 */
public final class LoadedModel implements AutoCloseable {

    private final ModelDirectory directory;
    private final OnnxModel model;
    private final MicroBatcher batcher;
    private final Preprocessor preprocessor;
    private final List<Calibration> calibrations = new ArrayList<>();

    private LoadedModel(ModelDirectory directory, OnnxModel model, SessionSettings settings) {
        this.directory = directory;
        this.model = model;
        ModelManifest manifest = directory.manifest();
        int batch = manifest.input().dynamicBatch() ? settings.maxBatch() : 1;
        this.batcher = new MicroBatcher(manifest.id(), model::run, batch, settings.maxWait());
        this.preprocessor = new Preprocessor(manifest.preprocessing());
        for (Finding finding : manifest.findings()) {
            calibrations.add(Calibration.of(finding.calibration(), manifest.output().activation()));
        }
    }

    public static LoadedModel load(ModelDirectory directory, SessionSettings settings) throws IOException {
        return new LoadedModel(directory, OnnxModel.load(directory, settings), settings);
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

    /** Raw outputs for one preprocessed image (1 channel; repeated for 3-channel models). */
    public CompletableFuture<float[]> raw(float[] preprocessed) {
        return batcher.submit(toChannels(preprocessed));
    }

    /** Scores one preprocessed image: raw outputs, calibrated probabilities, operating points. */
    public CompletableFuture<ModelScore> score(float[] preprocessed) {
        return raw(preprocessed).thenApply(this::interpret);
    }

    ModelScore interpret(float[] outputs) {
        ModelManifest manifest = manifest();
        List<FindingScore> findings = new ArrayList<>();
        for (int i = 0; i < manifest.findings().size(); i++) {
            Finding finding = manifest.findings().get(i);
            double raw = outputs[finding.index()];
            double probability = calibrations.get(i).probability(raw);
            Optional<Double> threshold = finding.operatingPoint().map(ModelManifest.OperatingPoint::threshold);
            findings.add(new FindingScore(finding.key(), finding.display(), finding.code().system(), finding.code().code(),
                    raw, probability, threshold, threshold.map(t -> probability >= t).orElse(false), finding.critical(),
                    finding.severityWeight(), finding.calibration().version()));
        }
        return new ModelScore(manifest.id(), manifest.version(), manifest.sha256(), manifest.notForClinicalUse(),
                model.device(), List.copyOf(findings));
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
