package org.cxrtriage.models.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model as installed on disk: a directory with {@code manifest.json}, the ONNX file it names and,
 * when the manifest has a reliability section, the reference profile it names; each file's SHA-256
 * must equal the manifest's. Opening one proves the files are the ones described.
 */
public record ModelDirectory(Path path, ModelManifest manifest) {

    public static ModelDirectory open(Path directory) throws ManifestException {
        ModelManifest manifest = ManifestReader.read(directory);
        Path onnx = directory.resolve(manifest.file());
        String actual;
        try {
            actual = sha256(onnx);
        } catch (NoSuchFileException e) {
            throw new ManifestException(onnx + ": not found; model.file in " + ManifestReader.FILE_NAME + " names it");
        } catch (IOException e) {
            throw new ManifestException(onnx + ": cannot be read: " + e.getMessage(), e);
        }
        if (!actual.equals(manifest.sha256())) {
            throw new ManifestException(onnx + ": SHA-256 is " + actual + " but " + ManifestReader.FILE_NAME
                    + " model.sha256 says " + manifest.sha256() + "; the file is not the model the manifest describes."
                    + " Reinstall the model, or if this file is the validated one, correct model.sha256");
        }
        if (manifest.reliability().isPresent()) {
            checkProfile(directory, manifest.reliability().get());
        }
        return new ModelDirectory(directory, manifest);
    }

    private static void checkProfile(Path directory, ModelManifest.ReliabilitySpec spec) throws ManifestException {
        Path profile = directory.resolve(spec.profileFile());
        String actual;
        try {
            actual = sha256(profile);
        } catch (NoSuchFileException e) {
            throw new ManifestException(profile + ": not found; reliability.profile.file in " + ManifestReader.FILE_NAME
                    + " names it. Copy the profile that came with the model beside it, or run ./cxr-triage calibrate"
                    + " to build one");
        } catch (IOException e) {
            throw new ManifestException(profile + ": cannot be read: " + e.getMessage(), e);
        }
        if (!actual.equals(spec.sha256())) {
            throw new ManifestException(profile + ": SHA-256 is " + actual + " but " + ManifestReader.FILE_NAME
                    + " reliability.profile.sha256 says " + spec.sha256() + "; the file is not the reference profile the"
                    + " manifest describes. Reinstall the model, or run ./cxr-triage calibrate to build a new profile"
                    + " and manifest version");
        }
    }

    public Path onnxFile() {
        return path.resolve(manifest.file());
    }

    /** The reference profile file, when the manifest names one (its SHA-256 was checked at open). */
    public java.util.Optional<Path> profileFile() {
        return manifest.reliability().map(spec -> path.resolve(spec.profileFile()));
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
