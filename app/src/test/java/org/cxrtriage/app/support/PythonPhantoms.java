package org.cxrtriage.app.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        run(script(), "--out", out.toString(), "--count", "1", "--findings", findings, "--seed", Integer.toString(seed));
        String uid = Files.readAllLines(out.resolve("labels.csv")).get(1).split(",")[0];
        return new Study(out.resolve("study-00000.dcm"), uid);
    }

    /**
     * {@code count} single-image studies in one run, drawn as the reference model's training data was
     * ({@code --acquisition varied}: matrix, spacing, bit depth, CR/DX, PA/AP, MONOCHROME1/2 and random
     * findings): in-distribution studies for the model.
     */
    public static List<Study> inDistribution(Path parent, String name, int count, int seed) throws Exception {
        Path out = parent.resolve(name);
        run(script(), "--out", out.toString(), "--count", Integer.toString(count), "--seed", Integer.toString(seed),
                "--acquisition", "varied");
        List<String> labels = Files.readAllLines(out.resolve("labels.csv"));
        List<Study> studies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            studies.add(new Study(out.resolve(String.format("study-%05d.dcm", i)), labels.get(i + 1).split(",")[0]));
        }
        return studies;
    }

    private static String script() {
        return Path.of("..", "models", "reference", "make_dicom_set.py").toAbsolutePath().normalize().toString();
    }

    /** Runs /usr/bin/python3 with the arguments; its output (merged) when it succeeds. */
    public static String run(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(Path.of(arguments[0]).getFileName() + " failed: " + output);
        }
        return output;
    }
}
