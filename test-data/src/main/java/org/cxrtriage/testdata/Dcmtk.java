package org.cxrtriage.testdata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs DCMTK's echoscu and storescu (Debian package dcmtk) against a DICOM listener and reads
 * what they report, so tests talk to our SCP through a real, independent DICOM implementation.
 */
public final class Dcmtk {

    private static final Pattern SENDING = Pattern.compile("Sending file: (.+)$");
    private static final Pattern RESPONSE = Pattern.compile("Received Store Response \\(([^)]*)\\)");

    private Dcmtk() {
    }

    /** The outcome of one storescu run: its exit code, output and the status per file sent. */
    public record StoreRun(int exitCode, String output, List<FileStatus> files) {

        public long successes() {
            return files.stream().filter(FileStatus::success).count();
        }

        public boolean allSucceeded(int expected) {
            return exitCode == 0 && successes() == expected;
        }
    }

    /** What storescu said about one file: the status text of its C-STORE response, or null. */
    public record FileStatus(Path file, String status) {
        public boolean success() {
            return "Success".equals(status);
        }
    }

    public static Result echo(int port, String calledAe, String callingAe) throws IOException {
        return run(List.of("echoscu", "-v", "-aet", callingAe, "-aec", calledAe, "127.0.0.1", Integer.toString(port)));
    }

    /** Sends the files over one association; storescu proposes each file's own transfer syntax. */
    public static StoreRun store(int port, String calledAe, String callingAe, List<Path> files, String... options)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-aet", callingAe, "-aec", calledAe));
        command.addAll(List.of(options));
        command.add("127.0.0.1");
        command.add(Integer.toString(port));
        files.forEach(file -> command.add(file.toString()));
        Result result = run(command);
        return new StoreRun(result.exitCode(), result.output(), parse(result.output()));
    }

    /** What happened to a single file sent in exactly its own transfer syntax. */
    public record SendResult(boolean stored, boolean noAcceptablePresentationContext, String output) {
    }

    /**
     * Sends one file proposing only its own transfer syntax (no conversion), which is how a test
     * proves that exactly that transfer syntax is accepted: dcmsend for encapsulated and deflated
     * files, storescu for implicit little endian and big endian (dcmsend always offers explicit
     * little endian for uncompressed files).
     */
    public static SendResult sendAsIs(int port, String calledAe, String callingAe, Path file, Encoding encoding)
            throws IOException {
        if (encoding == Encoding.IMPLICIT_LITTLE_ENDIAN || encoding == Encoding.EXPLICIT_BIG_ENDIAN) {
            StoreRun run = store(port, calledAe, callingAe, List.of(file),
                    encoding == Encoding.IMPLICIT_LITTLE_ENDIAN ? "-xi" : "-xb");
            return new SendResult(run.successes() == 1, run.output().contains("No Acceptable Presentation Contexts")
                    || run.output().contains("No presentation context"), run.output());
        }
        Result result = run(List.of("dcmsend", "-v", "--decompress-never", "-aet", callingAe, "-aec", calledAe,
                "127.0.0.1", Integer.toString(port), file.toString()));
        return new SendResult(result.output().matches("(?s).*with status SUCCESS\\s*: 1.*"),
                result.output().matches("(?s).*no acceptable pres\\.\\s*: 1.*"), result.output());
    }

    static List<FileStatus> parse(String output) {
        List<FileStatus> statuses = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher sending = SENDING.matcher(line);
            if (sending.find()) {
                statuses.add(new FileStatus(Path.of(sending.group(1).trim()), null));
                continue;
            }
            Matcher response = RESPONSE.matcher(line);
            if (response.find() && !statuses.isEmpty()) {
                FileStatus last = statuses.remove(statuses.size() - 1);
                statuses.add(new FileStatus(last.file(), response.group(1)));
            }
        }
        return statuses;
    }

    /** Exit code and combined output of a finished command. */
    public record Result(int exitCode, String output) {
    }

    public static Result run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish within 300 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Result(process.exitValue(), output);
    }
}
