package org.cxrtriage.app.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code ./cxr-triage} tools in a JVM of their own, as an operator runs them, with optional standard input. */
public record CliProcess(int exitCode, String output) {

    public static CliProcess run(String... args) throws Exception {
        return runWithInput(null, args);
    }

    public static CliProcess runWithInput(String stdin, String... args) throws Exception {
        return runWith(Map.of(), stdin, args);
    }

    /** With extra environment variables, e.g. the server's TRIAGE_DB_URL. */
    public static CliProcess runWith(Map<String, String> environment, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.cxrtriage.app.cli.TriageCli"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("cxr-triage " + String.join(" ", args) + " did not finish: " + output);
        }
        return new CliProcess(process.exitValue(), output);
    }
}
