package org.cxrtriage.models.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.cxrtriage.models.inference.Device;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.preprocess.Preprocessor;
import org.cxrtriage.models.registry.LoadedModel;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ./cxr-triage bench inference}: for each model directory given, images per second and
 * per-image latency at batch 1 and batch 8 through our engine (DJL + ONNX Runtime behind the
 * micro-batcher) and through a bare {@code OrtSession} with the same session options, in the same
 * run, and the ratio ours/bare (goal <= 1.1). Then preprocessing time for a 3000x2500 16-bit image,
 * the reliability verdict's cost per study (image facts plus judging, goal <= 2 ms at the median)
 * and the process's peak resident memory.
 */
public final class InferenceBenchmark {

    private static final int WARMUP = 10;

    private InferenceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        int rounds = Integer.parseInt(System.getProperty("rounds", "60"));
        System.out.printf("%-22s %5s %14s %14s %14s %14s %7s%n", "model", "batch", "ours img/s", "ours ms/img",
                "bare img/s", "bare ms/img", "ratio");
        ModelManifest.Preprocessing referencePreprocessing = null;
        ModelDirectory reference = null;
        for (String arg : args) {
            ModelDirectory directory = ModelDirectory.open(Path.of(arg));
            ModelManifest manifest = directory.manifest();
            if (referencePreprocessing == null) {
                referencePreprocessing = manifest.preprocessing();
                reference = directory;
            }
            int pixels = manifest.input().channels() * manifest.input().height() * manifest.input().width();
            for (int batch : new int[] {1, 8}) {
                double ours = ours(directory, threads, batch, rounds, pixels);
                double bare = bare(directory, manifest, threads, batch, rounds, pixels);
                System.out.printf("%-22s %5d %14.1f %14.2f %14.1f %14.2f %7.2f%n", manifest.id(), batch,
                        1000 / ours, ours, 1000 / bare, bare, ours / bare);
            }
        }
        preprocessing(referencePreprocessing);
        VerdictBenchmark.run(reference, threads);
        System.out.printf("peak resident memory of this process: %d MiB%n", peakRssMib());
    }

    /** Milliseconds per image through LoadedModel: batch-many requests submitted together. */
    private static double ours(ModelDirectory directory, int threads, int batch, int rounds, int pixels) throws Exception {
        SessionSettings settings = new SessionSettings(Device.CPU, threads, batch, Duration.ofMillis(batch == 1 ? 0 : 20));
        try (LoadedModel model = LoadedModel.load(directory, settings)) {
            float[][] inputs = inputs(batch, pixels);
            for (int i = 0; i < WARMUP; i++) {
                submitAll(model, inputs);
            }
            long start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                submitAll(model, inputs);
            }
            return (System.nanoTime() - start) / 1e6 / rounds / batch;
        }
    }

    private static void submitAll(LoadedModel model, float[][] inputs) {
        List<CompletableFuture<float[]>> results = new ArrayList<>();
        for (float[] input : inputs) {
            results.add(model.raw(input));
        }
        results.forEach(CompletableFuture::join);
    }

    /** Milliseconds per image through a bare OrtSession with the same options. */
    private static double bare(ModelDirectory directory, ModelManifest manifest, int threads, int batch, int rounds,
                               int pixels) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            try (OrtSession session = environment.createSession(directory.onnxFile().toString(), options)) {
                float[][] inputs = inputs(batch, pixels);
                float[] flat = new float[batch * pixels];
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(inputs[b], 0, flat, b * pixels, pixels);
                }
                long[] shape = {batch, manifest.input().channels(), manifest.input().height(), manifest.input().width()};
                long start = 0;
                for (int i = 0; i < WARMUP + rounds; i++) {
                    if (i == WARMUP) {
                        start = System.nanoTime();
                    }
                    try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(flat), shape);
                         OrtSession.Result result = session.run(Map.of(manifest.input().name(), tensor))) {
                        float[][] out = (float[][]) result.get(0).getValue();
                        if (out.length != batch) {
                            throw new IllegalStateException("unexpected output batch " + out.length);
                        }
                    }
                }
                return (System.nanoTime() - start) / 1e6 / rounds / batch;
            }
        }
    }

    private static void preprocessing(ModelManifest.Preprocessing spec) {
        int width = 3000;
        int height = 2500;
        Random random = new Random(3);
        float[] image = new float[width * height];
        for (int i = 0; i < image.length; i++) {
            image[i] = random.nextInt(65536);
        }
        Preprocessor preprocessor = new Preprocessor(spec);
        double[] times = new double[30];
        for (int i = 0; i < 10; i++) {
            preprocessor.apply(image, width, height, java.util.Optional.empty());
        }
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            preprocessor.apply(image, width, height, java.util.Optional.empty());
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(times);
        System.out.printf("preprocessing 3000x2500 16-bit to %dx%d (%s window): median %.1f ms, p90 %.1f ms%n",
                spec.width(), spec.height(), spec.window().method().name().toLowerCase(), times[times.length / 2],
                times[(int) (times.length * 0.9)]);
    }

    private static float[][] inputs(int batch, int pixels) {
        Random random = new Random(7);
        float[][] inputs = new float[batch][pixels];
        for (float[] input : inputs) {
            for (int i = 0; i < pixels; i++) {
                input[i] = random.nextFloat() * 2 - 1;
            }
        }
        return inputs;
    }

    private static long peakRssMib() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
