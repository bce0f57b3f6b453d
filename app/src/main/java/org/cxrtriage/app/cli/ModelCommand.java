package org.cxrtriage.app.cli;

import org.cxrtriage.models.inference.Device;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ParityCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code model verify DIR}: SHA-256, load, parity samples; exit 0 only within tolerance. */
@Command(name = "model", description = "Model tools", subcommands = {ModelCommand.Verify.class})
final class ModelCommand {

    @Command(name = "verify", description = "Check a model directory: SHA-256, loading, and its parity samples")
    static final class Verify implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", description = "directory with manifest.json and the ONNX file")
        Path directory;

        @Override
        public Integer call() throws Exception {
            ModelDirectory model = ModelDirectory.open(directory);
            System.out.printf("%s %s: SHA-256 %s matches%n", model.manifest().id(), model.manifest().version(),
                    model.manifest().sha256());
            String device = System.getenv().getOrDefault("TRIAGE_DEVICE", "auto");
            SessionSettings session = new SessionSettings(Device.parse(device), 1, 1, Duration.ZERO);
            try (LoadedModel loaded = LoadedModel.load(model, session)) {
                System.out.printf("loaded on %s%s%n", loaded.device().actual().name().toLowerCase(),
                        loaded.device().note().isEmpty() ? "" : " (" + loaded.device().note() + ")");
                ParityCheck.Result result = ParityCheck.run(loaded);
                result.lines().forEach(System.out::println);
                System.out.printf("largest difference %.3g, tolerance %.3g: %s%n", result.largestDifference(),
                        result.tolerance(), result.passed() ? "OK" : "FAILED");
                return result.passed() ? 0 : 1;
            }
        }
    }
}
