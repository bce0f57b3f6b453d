package org.cxrtriage.app.models;

import org.cxrtriage.app.cli.DicomHeaderFacts;
import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.dicom.image.MetadataReader;
import org.cxrtriage.dicom.image.PixelDecoder;
import org.cxrtriage.models.inference.Device;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.preprocess.PreparedImage;
import org.cxrtriage.models.registry.FindingScore;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelScore;
import org.cxrtriage.models.reliability.HeaderFacts;
import org.cxrtriage.models.reliability.Observation;
import org.cxrtriage.models.reliability.Signal;
import org.cxrtriage.models.reliability.Verdict;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Evaluation harness for the model card (not a test; run by models/reference/evaluate.sh): every
 * DICOM file of each named set goes through the server's own decoding, preprocessing, model and
 * Java reliability verdict, and one CSV row per file records the scores and the verdict, judged
 * once with the file's real header and once with the header unknown (image-only). QC is skipped on
 * purpose: the verdict must stand on its own for images QC lets through by mistake.
 *
 * <pre>java ... ReliabilityEvaluation MODEL_DIR OUT.csv NAME=DIR [NAME=DIR ...]</pre>
 */
public final class ReliabilityEvaluation {

    private ReliabilityEvaluation() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            throw new IllegalArgumentException("usage: ReliabilityEvaluation MODEL_DIR OUT.csv NAME=DIR [NAME=DIR ...]");
        }
        SessionSettings session = new SessionSettings(Device.CPU, 2, 8, Duration.ofMillis(2));
        try (LoadedModel model = LoadedModel.load(ModelDirectory.open(Path.of(args[0])), session);
             BufferedWriter out = Files.newBufferedWriter(Path.of(args[1]))) {
            List<String> keys = model.manifest().findings().stream().map(f -> f.key()).toList();
            out.write("set,file,study_uid,decodable,reliable,score,fired,reason,reliable_image_only,score_image_only,"
                    + "fired_image_only,embedding_distance,image_exceedance,confident,judge_micros,"
                    + keys.stream().map(k -> "p_" + k).collect(Collectors.joining(",")) + ","
                    + keys.stream().map(k -> "raw_" + k).collect(Collectors.joining(",")) + "\n");
            for (int i = 2; i < args.length; i++) {
                String[] set = args[i].split("=", 2);
                int rows = 0;
                for (Path file : dicomFiles(Path.of(set[1]))) {
                    out.write(row(model, set[0], file, keys.size()) + "\n");
                    rows++;
                }
                System.err.printf("%s: %d files%n", set[0], rows);
            }
        }
    }

    private static List<Path> dicomFiles(Path directory) throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).filter(ReliabilityEvaluation::looksLikeDicom).sorted().toList();
        }
    }

    /** Part 10 files ("DICM" at 128) and the .dcm files of test suites that lack the preamble. */
    private static boolean looksLikeDicom(Path file) {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".dcm")) {
            return true;
        }
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(132);
            return head.length == 132 && new String(head, 128, 4).equals("DICM");
        } catch (Exception e) {
            return false;
        }
    }

    private static String row(LoadedModel model, String set, Path file, int findings) {
        String prefix = csv(set) + "," + csv(file.toString()) + ",";
        InstanceMetadata metadata;
        DecodedImage image;
        HeaderFacts header;
        try {
            metadata = MetadataReader.read(file);
            image = PixelDecoder.decode(file);
            header = DicomHeaderFacts.of(file, metadata, image);
        } catch (Exception | LinkageError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return prefix + ",false,,,," + csv("undecodable: " + why) + ",,,,,,," + ",".repeat(2 * findings);
        }
        Optional<double[]> voi = image.window().map(w -> new double[] {w.center(), w.width()});
        PreparedImage prepared = model.preprocessor().prepare(image.firstFrame(), image.width(), image.height(), voi,
                DicomHeaderFacts.pixelSpacingMm(image));
        ModelScore score = model.score(prepared.input()).join();
        Observation observation = new Observation(prepared.facts(), header, score.embedding(), score.findings());
        long start = System.nanoTime();
        Verdict verdict = model.judge(observation);
        long micros = (System.nanoTime() - start) / 1000;
        Verdict imageOnly = model.judge(new Observation(prepared.facts(), HeaderFacts.unknown(), score.embedding(),
                score.findings()));
        StringBuilder row = new StringBuilder(prefix).append(csv(metadata.studyInstanceUid())).append(",true,")
                .append(verdict.reliable()).append(',').append(verdict.score()).append(',').append(csv(fired(verdict)))
                .append(',').append(csv(verdict.reason())).append(',').append(imageOnly.reliable()).append(',')
                .append(imageOnly.score()).append(',').append(csv(fired(imageOnly))).append(',')
                .append(value(verdict, "embedding.distance")).append(',').append(value(verdict, "image.statistics"))
                .append(',').append(value(verdict, "output.confidentFindings")).append(',').append(micros);
        for (FindingScore finding : score.findings()) {
            row.append(',').append(finding.probability());
        }
        for (FindingScore finding : score.findings()) {
            row.append(',').append(finding.raw());
        }
        return row.toString();
    }

    private static String fired(Verdict verdict) {
        return verdict.signals().stream().filter(Signal::fired).map(Signal::name).collect(Collectors.joining(" "));
    }

    private static String value(Verdict verdict, String name) {
        return verdict.signals().stream().filter(s -> s.name().equals(name)).findFirst()
                .map(s -> Double.toString(s.value())).orElse("");
    }

    private static String csv(String text) {
        return "\"" + text.replace("\"", "\"\"").replace('\n', ' ') + "\"";
    }
}
