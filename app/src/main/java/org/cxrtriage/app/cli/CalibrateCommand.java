package org.cxrtriage.app.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.cxrtriage.app.triage.StudyImages;
import org.cxrtriage.dicom.image.MetadataReader;
import org.cxrtriage.dicom.qc.QcPolicy;
import org.cxrtriage.dicom.qc.QualityCheck;
import org.cxrtriage.models.calibration.CalibrationFitter;
import org.cxrtriage.models.calibration.IsotonicCalibration;
import org.cxrtriage.models.calibration.Logistic;
import org.cxrtriage.models.calibration.Metrics;
import org.cxrtriage.models.calibration.PlattCalibration;
import org.cxrtriage.models.calibration.ThresholdSelector;
import org.cxrtriage.models.inference.Device;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ManifestEditor;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.manifest.ModelManifest.CalibrationMethod;
import org.cxrtriage.models.manifest.ModelManifest.CalibrationSpec;
import org.cxrtriage.models.manifest.ModelManifest.Finding;
import org.cxrtriage.models.manifest.ModelManifest.OperatingPoint;
import org.cxrtriage.models.registry.BundledModels;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code calibrate --model ID --images DIR --labels labels.csv}: scores labelled studies, fits
 * Platt and isotonic calibration per finding (keeping the better on held-out folds), picks the
 * threshold for a target sensitivity, writes a new manifest version (the old one is kept), prints
 * a table and writes a reliability diagram per finding.
 */
@Command(name = "calibrate", description = "Fit calibration and operating points on labelled local studies")
final class CalibrateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "model id, e.g. cxr-reference")
    String modelId;

    @Option(names = "--images", required = true, description = "folder of DICOM files (searched recursively)")
    Path images;

    @Option(names = "--labels", required = true, description = "CSV: study_instance_uid,<finding key>,... with 1/0/empty")
    Path labels;

    @Option(names = "--data-dir", description = "data directory (default: $TRIAGE_DATA_DIR or ./data)")
    Path dataDir;

    @Option(names = "--target-sensitivity", defaultValue = "0.95", description = "for critical findings (default 0.95)")
    double criticalTarget;

    @Option(names = "--noncritical-target-sensitivity", defaultValue = "0.80", description = "for other findings (default 0.80)")
    double otherTarget;

    @Option(names = "--folds", defaultValue = "5", description = "cross-validation folds (default 5)")
    int folds;

    @Override
    public Integer call() throws Exception {
        Path data = dataDir != null ? dataDir : Path.of(System.getenv().getOrDefault("TRIAGE_DATA_DIR", "./data"));
        Path modelDir = modelDirectory(data.toAbsolutePath());
        ModelDirectory directory = ModelDirectory.open(modelDir);
        ModelManifest manifest = directory.manifest();
        LabelsFile labelsFile = LabelsFile.read(labels);
        Map<String, List<Path>> filesByStudy = filesByStudy(labelsFile);
        if (filesByStudy.isEmpty()) {
            throw new IllegalArgumentException(images + ": no DICOM file belongs to a study in " + labels
                    + "; the first column must hold Study Instance UIDs");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"));
        Map<String, float[]> rawByStudy = score(directory, filesByStudy);
        Path reportDir = Files.createDirectories(modelDir.resolve("calibration-" + stamp));
        CalibrationReport report = new CalibrationReport(reportDir);
        Map<String, ManifestEditor.FindingUpdate> updates = new LinkedHashMap<>();
        String fittedOn = rawByStudy.size() + " studies from " + images.toAbsolutePath().getFileName() + " labelled in "
                + labels.getFileName() + ", " + stamp;
        for (Finding finding : manifest.findings()) {
            int column = labelsFile.findings().indexOf(finding.key());
            if (column < 0) {
                report.skip(finding.key(), "no column in " + labels.getFileName());
                continue;
            }
            List<Double> raw = new ArrayList<>();
            List<Integer> truth = new ArrayList<>();
            rawByStudy.forEach((study, outputs) -> {
                Integer label = labelsFile.byStudy().get(study)[column];
                if (label != null) {
                    raw.add((double) outputs[finding.index()]);
                    truth.add(label);
                }
            });
            int positives = truth.stream().mapToInt(Integer::intValue).sum();
            if (positives < 5 || truth.size() - positives < 5) {
                report.skip(finding.key(), "needs at least 5 positive and 5 negative studies (has " + positives + " and "
                        + (truth.size() - positives) + ")");
                continue;
            }
            double target = finding.critical() ? criticalTarget : otherTarget;
            updates.put(finding.key(), fit(finding, manifest, raw, truth, target, "cal-" + stamp, fittedOn, report));
        }
        if (updates.isEmpty()) {
            report.print();
            System.err.println("cxr-triage: no finding could be calibrated; the manifest is unchanged");
            return 1;
        }
        String newVersion = manifest.version().replaceAll("\\+cal\\..*$", "") + "+cal." + stamp;
        Path archived = ManifestEditor.writeNewVersion(modelDir, newVersion, updates);
        report.print();
        report.writeText();
        System.out.printf("%nwrote %s version %s (previous manifest kept as %s); reliability diagrams in %s%n",
                modelDir.resolve("manifest.json"), newVersion, archived.getFileName(), reportDir);
        System.out.println("a running server uses it after: ./cxr-triage model reload");
        return 0;
    }

    private ManifestEditor.FindingUpdate fit(Finding finding, ModelManifest manifest, List<Double> rawList,
                                             List<Integer> truthList, double target, String version, String fittedOn,
                                             CalibrationReport report) throws IOException {
        double[] raw = rawList.stream().mapToDouble(Double::doubleValue).toArray();
        int[] truth = truthList.stream().mapToInt(Integer::intValue).toArray();
        double[] before = Arrays.stream(raw).map(r -> Logistic.toProbability(r, manifest.output().activation())).toArray();
        CalibrationFitter.Choice choice = CalibrationFitter.fit(raw, truth, manifest.output().activation(), folds, 20261123L);
        double[] fitted = Arrays.stream(raw).map(choice.calibration()::probability).toArray();
        double threshold = ThresholdSelector.forSensitivity(fitted, truth, target);
        ThresholdSelector.Performance at = ThresholdSelector.evaluate(fitted, truth, threshold);
        double[] sensitivityCi = Metrics.wilson(at.truePositives(), at.positives());
        double[] specificityCi = Metrics.wilson(at.trueNegatives(), at.negatives());
        CalibrationSpec spec = switch (choice.method()) {
            case PLATT -> {
                PlattCalibration platt = (PlattCalibration) choice.calibration();
                yield new CalibrationSpec(CalibrationMethod.PLATT, platt.a(), platt.b(), List.of(), List.of(), version, fittedOn);
            }
            case ISOTONIC -> {
                IsotonicCalibration isotonic = (IsotonicCalibration) choice.calibration();
                yield new CalibrationSpec(CalibrationMethod.ISOTONIC, 1, 0, boxed(isotonic.x()), boxed(isotonic.y()), version,
                        fittedOn);
            }
        };
        OperatingPoint point = new OperatingPoint(threshold, target, at.sensitivity(), List.of(sensitivityCi[0], sensitivityCi[1]),
                at.specificity(), List.of(specificityCi[0], specificityCi[1]), at.positives(), at.negatives());
        report.add(finding, truth, raw, before, choice, point);
        return new ManifestEditor.FindingUpdate(spec, point);
    }

    private Map<String, float[]> score(ModelDirectory directory, Map<String, List<Path>> filesByStudy) throws IOException {
        String device = System.getenv().getOrDefault("TRIAGE_DEVICE", "auto");
        SessionSettings session = new SessionSettings(Device.parse(device),
                Math.max(1, Runtime.getRuntime().availableProcessors()), 8, Duration.ofMillis(2));
        StudyImages studyImages = new StudyImages(new QualityCheck(QcPolicy.defaults()));
        Map<String, float[]> rawByStudy = new LinkedHashMap<>();
        int notScored = 0;
        try (LoadedModel model = LoadedModel.load(directory, session);
             ProgressBar progress = new ProgressBarBuilder().setTaskName("scoring").setInitialMax(filesByStudy.size())
                     .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                     .build()) {
            for (Map.Entry<String, List<Path>> study : filesByStudy.entrySet()) {
                StudyImages.Decoded decoded = studyImages.decode(study.getValue());
                if (decoded.scorable()) {
                    rawByStudy.put(study.getKey(), model.raw(StudyImages.input(decoded.pixels().get(), model.preprocessor())).join());
                } else {
                    notScored++;
                }
                progress.step();
            }
        }
        if (notScored > 0) {
            System.err.printf("%d studies could not be scored (not frontal adult chest radiographs, or undecodable)"
                    + " and are left out%n", notScored);
        }
        return rawByStudy;
    }

    private Map<String, List<Path>> filesByStudy(LabelsFile labelsFile) throws IOException {
        Map<String, List<Path>> byStudy = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(images)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                try {
                    String study = MetadataReader.read(file).studyInstanceUid();
                    if (labelsFile.byStudy().containsKey(study)) {
                        byStudy.computeIfAbsent(study, key -> new ArrayList<>()).add(file);
                    }
                } catch (Exception notDicom) {
                    // files that are not DICOM (a README, the labels themselves) are ignored
                }
            }
        }
        return byStudy;
    }

    /** {@code <data>/models/<id>}; the bundled reference model is copied there on first calibration. */
    private Path modelDirectory(Path data) throws IOException {
        Path directory = data.resolve("models").resolve(modelId);
        if (Files.exists(directory.resolve("manifest.json"))) {
            return directory;
        }
        if (modelId.equals(ModelRegistry.REFERENCE_ID)) {
            return BundledModels.extractReference(Files.createDirectories(directory));
        }
        throw new IllegalArgumentException("no model '" + modelId + "' in " + data.resolve("models")
                + "; install it as " + directory + "/ (manifest.json and the ONNX file) first");
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
