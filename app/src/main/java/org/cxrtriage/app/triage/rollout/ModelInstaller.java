package org.cxrtriage.app.triage.rollout;

import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ManifestException;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ParityCheck;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Verifies a model directory as {@code model verify} does (manifest, SHA-256 of every file it
 * names, loading, parity samples) and copies it to {@code <data>/models/<id>/<version>/}, where
 * versions of one model sit side by side. The copy is written to a temporary folder and renamed, then
 * opened again, so an installed version is always complete and matches its manifest.
 */
public final class ModelInstaller {

    /** The verified copy and what verification printed. */
    public record Installed(ModelDirectory directory, List<String> checks) {
    }

    private ModelInstaller() {
    }

    public static Installed install(Path source, Path dataDir, SessionSettings session) throws ManifestException, IOException {
        ModelDirectory model = ModelDirectory.open(source.toAbsolutePath().normalize());
        List<String> checks = verify(model, session);
        Path target = versionDirectory(dataDir, model.manifest().id(), model.manifest().version());
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target + " already exists: " + model.manifest().id() + " "
                    + model.manifest().version() + " is installed; give the new model a new \"version\" in its manifest.json");
        }
        Path staging = Files.createDirectories(target.getParent()).resolve("." + target.getFileName() + ".installing");
        copyTree(model.path(), staging);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        return new Installed(ModelDirectory.open(target), checks);
    }

    /** Copies an already verified directory (the configured model on a first start) unless the version is there. */
    public static ModelDirectory copyIfAbsent(ModelDirectory model, Path dataDir) throws ManifestException, IOException {
        Path target = versionDirectory(dataDir, model.manifest().id(), model.manifest().version());
        if (!Files.exists(target.resolve("manifest.json"))) {
            Path staging = Files.createDirectories(target.getParent()).resolve("." + target.getFileName() + ".installing");
            deleteTree(staging);
            copyTree(model.path(), staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException anotherNodeWasFaster) {
                deleteTree(staging);
            }
        }
        return ModelDirectory.open(target);
    }

    /** SHA-256 (checked by opening), loading, and the parity samples within their tolerance. */
    public static List<String> verify(ModelDirectory model, SessionSettings session) throws ManifestException, IOException {
        try (LoadedModel loaded = LoadedModel.load(model, session)) {
            ParityCheck.Result parity = ParityCheck.run(loaded);
            if (!parity.passed()) {
                throw new ManifestException(model.path().resolve("manifest.json") + ": parity samples differ by "
                        + parity.largestDifference() + ", more than the tolerance " + parity.tolerance()
                        + "; the ONNX file does not compute what the manifest's parity section expects. Export the model"
                        + " again or record the samples it really produces");
            }
            return List.of(model.manifest().id() + " " + model.manifest().version() + ": SHA-256 " + model.manifest().sha256()
                    + " matches", "loaded on " + loaded.device().actual().name().toLowerCase(),
                    "parity: largest difference " + parity.largestDifference() + ", tolerance " + parity.tolerance() + ": OK");
        }
    }

    public static Path versionDirectory(Path dataDir, String modelId, String version) {
        return dataDir.resolve("models").resolve(safe(modelId)).resolve(safe(version));
    }

    private static String safe(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._+-]", "_");
        return cleaned.startsWith(".") ? "_" + cleaned.substring(1) : cleaned;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
