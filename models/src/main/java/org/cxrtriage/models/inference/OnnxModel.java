package org.cxrtriage.models.inference;

import ai.djl.Model;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.manifest.ModelManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * One ONNX model loaded in DJL's ONNX Runtime engine with our own session options. Runs a batch
 * of preprocessed images (each channels x height x width floats) and returns, per image, the
 * manifest's output tensor and, when the manifest names one, its embedding output.
 * Not thread-safe: {@link MicroBatcher} gives it a single caller.
 */
public final class OnnxModel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OnnxModel.class);

    private final ModelManifest manifest;
    private final Model model;
    private final Predictor<float[][], RawOutput[]> predictor;
    private final ExecutionDevice device;

    private OnnxModel(ModelManifest manifest, Model model, ExecutionDevice device) {
        this.manifest = manifest;
        this.model = model;
        this.device = device;
        this.predictor = model.newPredictor(new BatchTranslator(manifest));
    }

    public static OnnxModel load(ModelDirectory directory, SessionSettings settings) throws IOException {
        Offline.ensure();
        ModelManifest manifest = directory.manifest();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        ExecutionDevice device;
        try {
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            device = selectDevice(options, settings.device());
        } catch (OrtException e) {
            throw new IOException("cannot configure ONNX Runtime for " + manifest.id() + ": " + e.getMessage(), e);
        }
        Model model = Model.newInstance(manifest.id(), "OnnxRuntime");
        try {
            String name = manifest.file().replaceFirst("\\.onnx$", "");
            model.load(directory.path(), name, Map.of("sessionOptions", options));
        } catch (MalformedModelException | RuntimeException e) {
            model.close();
            throw new IOException(directory.onnxFile() + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
        if (device.fellBack()) {
            log.warn("model {} {}: CUDA requested but not available ({}); running on CPU", manifest.id(),
                    manifest.version(), device.note());
        }
        return new OnnxModel(manifest, model, device);
    }

    private static ExecutionDevice selectDevice(OrtSession.SessionOptions options, Device requested) {
        if (requested == Device.CPU) {
            return new ExecutionDevice(requested, Device.CPU, "");
        }
        try {
            options.addCUDA(0);
            return new ExecutionDevice(requested, Device.CUDA, "");
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            return new ExecutionDevice(requested, Device.CPU, "CUDA unavailable: " + why);
        }
    }

    /** Raw outputs, one per input, in input order. */
    public RawOutput[] run(float[][] batch) {
        try {
            return predictor.predict(batch);
        } catch (TranslateException e) {
            throw new IllegalStateException("inference failed for model " + manifest.id() + ": " + e.getMessage(), e);
        }
    }

    public ExecutionDevice device() {
        return device;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
    }

    /**
     * Stacks the batch into one NCHW tensor by hand (DJL's ONNX NDArray cannot stack) and picks the
     * output tensors by the names the manifest gives.
     */
    private static final class BatchTranslator implements NoBatchifyTranslator<float[][], RawOutput[]> {
        private final ModelManifest.InputSpec input;
        private final String outputName;
        private final int outputs;
        private final Optional<ModelManifest.EmbeddingSpec> embedding;

        BatchTranslator(ModelManifest manifest) {
            this.input = manifest.input();
            this.outputName = manifest.output().name();
            this.outputs = manifest.output().size();
            this.embedding = manifest.embedding();
        }

        @Override
        public NDList processInput(TranslatorContext context, float[][] batch) {
            int perImage = input.channels() * input.height() * input.width();
            float[] flat = new float[batch.length * perImage];
            for (int i = 0; i < batch.length; i++) {
                if (batch[i].length != perImage) {
                    throw new IllegalArgumentException("input " + i + " has " + batch[i].length + " values, model expects "
                            + perImage);
                }
                System.arraycopy(batch[i], 0, flat, i * perImage, perImage);
            }
            NDArray tensor = context.getNDManager().create(flat,
                    new Shape(batch.length, input.channels(), input.height(), input.width()));
            tensor.setName(input.name());
            return new NDList(tensor);
        }

        @Override
        public RawOutput[] processOutput(TranslatorContext context, NDList list) {
            float[][] main = split(named(list, outputName, 0), outputs);
            float[][] features = embedding.isPresent()
                    ? split(named(list, embedding.get().name(), -1), embedding.get().dimension()) : null;
            RawOutput[] result = new RawOutput[main.length];
            for (int i = 0; i < main.length; i++) {
                result[i] = new RawOutput(main[i], features == null ? Optional.empty() : Optional.of(features[i]));
            }
            return result;
        }

        /** The output called {@code name}; a model with one output may leave it unnamed (fallback index). */
        private static NDArray named(NDList list, String name, int fallback) {
            NDArray array = list.get(name);
            if (array != null) {
                return array;
            }
            if (fallback >= 0 && list.size() == 1) {
                return list.get(fallback);
            }
            throw new IllegalStateException("the model has no output named '" + name + "' (it has "
                    + list.stream().map(NDArray::getName).toList() + "); correct the output names in manifest.json");
        }

        private static float[][] split(NDArray array, int width) {
            float[] flat = array.toFloatArray();
            if (flat.length % width != 0) {
                throw new IllegalStateException("output '" + array.getName() + "' has " + flat.length
                        + " values, not a multiple of " + width + " per image; check the sizes in manifest.json");
            }
            float[][] result = new float[flat.length / width][width];
            for (int i = 0; i < result.length; i++) {
                System.arraycopy(flat, i * width, result[i], 0, width);
            }
            return result;
        }
    }
}
