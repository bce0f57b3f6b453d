package org.cxrtriage.app.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Studies with findings, written as DICOM by the same phantom code the reference model was trained
 * with (models/reference/make_dicom_set.py, Debian's python3-numpy and python3-pydicom).
 */
public final class PythonPhantoms {

    /** A folder with study-00000.dcm and labels.csv. */
    public record Study(Path file, String studyInstanceUid) {
    }

    private PythonPhantoms() {
    }

    /** One single-image study with the given findings (comma-separated keys, or "none"). */
    public static Study study(Path parent, String name, String findings, int seed) throws Exception {
        Path out = parent.resolve(name);
        Process process = new ProcessBuilder("/usr/bin/python3",
                Path.of("..", "models", "reference", "make_dicom_set.py").toAbsolutePath().normalize().toString(),
                "--out", out.toString(), "--count", "1", "--findings", findings, "--seed", Integer.toString(seed))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("make_dicom_set.py failed: " + output);
        }
        String uid = Files.readAllLines(out.resolve("labels.csv")).get(1).split(",")[0];
        return new Study(out.resolve("study-00000.dcm"), uid);
    }
}
