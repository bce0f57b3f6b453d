package org.cxrtriage.app.cli;

import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.dicom.image.MetadataReader;
import org.cxrtriage.models.calibration.Calibrator;
import org.cxrtriage.models.inference.Device;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ManifestEditor;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.manifest.ModelManifest.Finding;
import org.cxrtriage.models.manifest.ModelManifest.ReliabilitySpec;
import org.cxrtriage.models.registry.BundledModels;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelRegistry;
import org.cxrtriage.models.registry.OutputInterpreter;
import org.cxrtriage.models.reliability.Observation;
import org.cxrtriage.models.reliability.ReferenceProfile;
import org.cxrtriage.models.reliability.ReferenceProfileBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code calibrate --model ID --images DIR --labels labels.csv}: scores labelled studies as the
 * server does, calibrates each finding ({@link Calibrator}), builds the reference profile for the
 * reliability verdict from the same studies, writes a new manifest version naming that profile
 * (the old manifest is kept), prints a table and writes a reliability diagram per finding.
 */
@Command(name = "calibrate", description = "Fit calibration, operating points and the reference profile on labelled local studies")
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

    @Option(names = "--reference-quantile", defaultValue = "0.995",
            description = "reference quantile of the reliability thresholds (default 0.995)")
    double referenceQuantile;

    @Override
    public Integer call() throws Exception {
        Path data = dataDir != null ? dataDir : Path.of(System.getenv().getOrDefault("TRIAGE_DATA_DIR", "./data"));
        Path modelDir = modelDirectory(data.toAbsolutePath());
        ModelDirectory directory = ModelDirectory.open(modelDir);
        ModelManifest manifest = directory.manifest();
        LabelsFile labelsFile = LabelsFile.read(labels);
        Map<String, Path> fileBySop = new LinkedHashMap<>();
        Map<String, List<Path>> filesByStudy = filesByStudy(labelsFile, fileBySop);
        if (filesByStudy.isEmpty()) {
            throw new IllegalArgumentException(images + ": no DICOM file belongs to a study in " + labels
                    + "; the first column must hold Study Instance UIDs");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"));
        Map<String, LabelledStudyScorer.ScoredStudy> scored;
        try (LoadedModel model = LoadedModel.loadForCalibration(directory, session())) {
            scored = new LabelledStudyScorer().score(model, filesByStudy, fileBySop);
        }
        Path reportDir = Files.createDirectories(modelDir.resolve("calibration-" + stamp));
        CalibrationReport report = new CalibrationReport(reportDir);
        String fittedOn = scored.size() + " studies from " + images.toAbsolutePath().getFileName() + " labelled in "
                + labels.getFileName() + ", " + stamp;
        Map<String, ManifestEditor.FindingUpdate> updates = calibrate(manifest, labelsFile, scored, "cal-" + stamp,
                fittedOn, report);
        if (updates.isEmpty()) {
            report.print();
            System.err.println("cxr-triage: no finding could be calibrated; the manifest is unchanged");
            return 1;
        }
        String newVersion = manifest.version().replaceAll("\\+cal\\..*$", "") + "+cal." + stamp;
        ReferenceProfile profile = referenceProfile(manifest, updates, scored, newVersion, fittedOn);
        String profileName = "reference-profile-" + newVersion.replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
        Path profileFile = modelDir.resolve(profileName);
        profile.write(profileFile);
        Path archived = ManifestEditor.writeNewVersion(modelDir, newVersion, updates, Optional.of(
                new ReliabilitySpec(profileName, ModelDirectory.sha256(profileFile), newVersion)));
        report.print();
        report.writeText();
        System.out.printf("%nwrote %s version %s (previous manifest kept as %s); reliability diagrams in %s%n",
                modelDir.resolve("manifest.json"), newVersion, archived.getFileName(), reportDir);
        System.out.println(profileSummary(profile, profileName));
        System.out.println("a running server uses it after: ./cxr-triage model reload");
        return 0;
    }

    /** Calibrates every finding that has a labels column with enough positives and negatives. */
    private Map<String, ManifestEditor.FindingUpdate> calibrate(ModelManifest manifest, LabelsFile labelsFile,
            Map<String, LabelledStudyScorer.ScoredStudy> scored, String version, String fittedOn, CalibrationReport report)
            throws IOException {
        Calibrator calibrator = new Calibrator(manifest.output().activation(), folds);
        Map<String, ManifestEditor.FindingUpdate> updates = new LinkedHashMap<>();
        for (Finding finding : manifest.findings()) {
            int column = labelsFile.findings().indexOf(finding.key());
            if (column < 0) {
                report.skip(finding.key(), "no column in " + labels.getFileName());
                continue;
            }
            List<Double> raw = new ArrayList<>();
            List<Integer> truth = new ArrayList<>();
            scored.forEach((study, result) -> {
                Integer label = labelsFile.byStudy().get(study)[column];
                if (label != null) {
                    raw.add((double) result.output().outputs()[finding.index()]);
                    truth.add(label);
                }
            });
            int[] truthArray = truth.stream().mapToInt(Integer::intValue).toArray();
            Optional<String> insufficient = Calibrator.insufficient(truthArray);
            if (insufficient.isPresent()) {
                report.skip(finding.key(), insufficient.get());
                continue;
            }
            Calibrator.Result result = calibrator.fit(raw.stream().mapToDouble(Double::doubleValue).toArray(), truthArray,
                    finding.critical() ? criticalTarget : otherTarget, version, fittedOn);
            report.add(finding, result);
            updates.put(finding.key(), new ManifestEditor.FindingUpdate(result.calibration(), result.operatingPoint()));
        }
        return updates;
    }

    /** The profile of every scored study (labelled or not for a finding), scored with the new calibrations. */
    private ReferenceProfile referenceProfile(ModelManifest manifest, Map<String, ManifestEditor.FindingUpdate> updates,
            Map<String, LabelledStudyScorer.ScoredStudy> scored, String version, String fittedOn) {
        OutputInterpreter interpreter = new OutputInterpreter(ManifestEditor.withUpdates(manifest, updates));
        ReferenceProfileBuilder builder = new ReferenceProfileBuilder(version, fittedOn, referenceQuantile, 20261201L);
        for (LabelledStudyScorer.ScoredStudy study : scored.values()) {
            builder.add(new Observation(study.image().facts(), study.header(), study.output().embedding(),
                    interpreter.interpret(study.output().outputs())));
        }
        return builder.build();
    }

    private static String profileSummary(ReferenceProfile profile, String file) {
        return String.format(Locale.ROOT, "reference profile %s: %d studies; thresholds at the %.1fth percentile of"
                        + " held-out studies: image statistics %.2f (largest band exceedance), image distance %.1f; %s;"
                        + " at most %d confident findings together",
                file, profile.studyCount(), profile.referenceQuantile() * 100, profile.imageThreshold(),
                profile.imageDistance().threshold(),
                profile.embedding().map(e -> String.format(Locale.ROOT, "embedding distance threshold %.2f (%d dimensions)",
                        e.threshold(), e.dimension())).orElse("no embedding output"),
                profile.maxConfident());
    }

    private SessionSettings session() {
        String device = System.getenv().getOrDefault("TRIAGE_DEVICE", "auto");
        return new SessionSettings(Device.parse(device), Math.max(1, Runtime.getRuntime().availableProcessors()), 8,
                Duration.ofMillis(2));
    }

    private Map<String, List<Path>> filesByStudy(LabelsFile labelsFile, Map<String, Path> fileBySop) throws IOException {
        Map<String, List<Path>> byStudy = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(images)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                try {
                    InstanceMetadata metadata = MetadataReader.read(file);
                    if (labelsFile.byStudy().containsKey(metadata.studyInstanceUid())) {
                        byStudy.computeIfAbsent(metadata.studyInstanceUid(), key -> new ArrayList<>()).add(file);
                        fileBySop.put(metadata.sopInstanceUid(), file);
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
}
