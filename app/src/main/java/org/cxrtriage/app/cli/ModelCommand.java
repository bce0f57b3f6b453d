package org.cxrtriage.app.cli;

import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.triage.rollout.ChangedBy;
import org.cxrtriage.app.triage.rollout.ModelInstaller;
import org.cxrtriage.app.triage.rollout.ModelRollout;
import org.cxrtriage.app.triage.rollout.RolloutException;
import org.cxrtriage.app.triage.rollout.RolloutRules;
import org.cxrtriage.app.triage.rollout.RolloutState;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.models.inference.Device;
import org.cxrtriage.models.inference.SessionSettings;
import org.cxrtriage.models.manifest.ManifestException;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ParityCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.sql.DataSource;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code model verify DIR} (SHA-256, load, parity samples; exit 0 only within tolerance) and the
 * rollout lifecycle on the server's database: {@code install}, {@code list}, {@code stage},
 * {@code rollback}, {@code history}. Every node follows a change within seconds. Exit status 0 on
 * success, 1 when a check fails or a change is refused, 2 on bad input.
 */
@Command(name = "model", description = "Model tools and rollout", subcommands = {ModelCommand.Verify.class,
        ModelCommand.Install.class, ModelCommand.ListVersions.class, ModelCommand.Stage.class, ModelCommand.Rollback.class,
        HistoryCommand.class})
final class ModelCommand {

    static SessionSettings session() {
        return new SessionSettings(Device.parse(System.getenv().getOrDefault("TRIAGE_DEVICE", "auto")), 1, 1, Duration.ZERO);
    }

    /** Options every rollout command shares: where the data (and the H2 database) are. */
    abstract static class OnDatabase {
        @Option(names = "--data-dir", description = "data directory (default: $TRIAGE_DATA_DIR or ./data)")
        Path dataDir;

        ModelRollout rollout() {
            Path data = TriageDatabase.dataDir(dataDir);
            DataSource database = TriageDatabase.migrated(data);
            return new ModelRollout(new Sql(database), new AuditLog(database), data, RolloutRules.fromEnvironment(System.getenv()));
        }

        static int refuse(String message) {
            System.err.println("cxr-triage: " + message);
            return 1;
        }
    }

    @Command(name = "verify", description = "Check a model directory: SHA-256, loading, and its parity samples")
    static final class Verify implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", description = "directory with manifest.json and the ONNX file")
        Path directory;

        @Override
        public Integer call() throws Exception {
            ModelDirectory model = ModelDirectory.open(directory);
            System.out.printf("%s %s: SHA-256 %s matches%n", model.manifest().id(), model.manifest().version(),
                    model.manifest().sha256());
            try (LoadedModel loaded = LoadedModel.load(model, session())) {
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

    @Command(name = "install", description = "Verify a model directory and install it beside the other versions (state available)")
    static final class Install extends OnDatabase implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", description = "directory with manifest.json, the ONNX file and what the manifest names")
        Path directory;

        @Option(names = "--reason", defaultValue = "installed by the command line", description = "why (audited)")
        String reason;

        @Override
        public Integer call() throws Exception {
            ModelRollout rollout = rollout();
            ModelInstaller.Installed installed;
            try {
                installed = ModelInstaller.install(directory, rollout.dataDir(), session());
            } catch (ManifestException | FileAlreadyExistsException e) {
                return refuse("not installed: " + e.getMessage());
            }
            installed.checks().forEach(System.out::println);
            try {
                var version = rollout.register(installed.directory(), RolloutState.AVAILABLE, ChangedBy.commandLine(), reason);
                System.out.printf("installed %s in %s (state available%s)%n", version.label(), installed.directory().path(),
                        version.siteCalibration().isPresent() ? "" : "; " + "not calibrated at this site");
                return 0;
            } catch (RolloutException e) {
                return refuse(e.getMessage());
            }
        }
    }

    @Command(name = "list", description = "Installed versions: id, version, state, share, since, calibration, SHA-256 prefix")
    static final class ListVersions extends OnDatabase implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            System.out.printf("%-20s %-32s %-9s %-14s %-20s %-14s %s%n", "ID", "VERSION", "STATE", "SHARE", "SINCE",
                    "SHA-256", "CALIBRATION");
            for (var version : rollout().list()) {
                System.out.printf("%-20s %-32s %-9s %-14s %-20s %-14s %s%s%n", version.modelId(), version.version(),
                        version.state().code(), version.share(), version.stateSince().toString().substring(0, 19),
                        version.sha256().substring(0, 12), version.calibrationVersions(),
                        version.siteCalibration().isPresent() ? "" : " (" + "not calibrated at this site" + ")");
            }
            return 0;
        }
    }

    @Command(name = "stage", description = "Move a version to shadow, canary, active, available or retired")
    static final class Stage extends OnDatabase implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID")
        String modelId;
        @Parameters(index = "1", paramLabel = "VERSION")
        String version;
        @Parameters(index = "2", paramLabel = "STATE", description = "shadow, canary, active, available or retired")
        String state;
        @Option(names = "--percent", description = "canary: share of new studies, 0-100 (default 100)")
        Integer percent;
        @Option(names = "--callers", description = "canary: only studies from these calling AE titles, e.g. AE1,AE2")
        String callers;
        @Option(names = "--reason", required = true, description = "why (audited, kept in the model's history)")
        String reason;
        @Option(names = "--force", description = "activate without the required evidence (audited as forced)")
        boolean force;

        @Override
        public Integer call() throws Exception {
            RolloutState target;
            try {
                target = RolloutState.parse(state);
            } catch (IllegalArgumentException e) {
                System.err.println("cxr-triage: " + e.getMessage());
                return 2;
            }
            List<String> aes = callers == null ? List.of()
                    : Arrays.stream(callers.split(",")).map(String::trim).filter(ae -> !ae.isEmpty()).toList();
            try {
                var transition = rollout().stage(modelId, version, target, Optional.ofNullable(percent), aes,
                        ChangedBy.commandLine(), reason, force);
                System.out.println(transition.describe());
                System.out.println("every node follows within a few seconds");
                return 0;
            } catch (RolloutException e) {
                return refuse(e.getMessage());
            }
        }
    }

    @Command(name = "rollback", description = "Undo the latest promotion: canary back to shadow, or the previous active version")
    static final class Rollback extends OnDatabase implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID")
        String modelId;
        @Option(names = "--reason", required = true, description = "why (audited, kept in the model's history)")
        String reason;

        @Override
        public Integer call() throws Exception {
            try {
                System.out.println(rollout().rollback(modelId, ChangedBy.commandLine(), reason).describe());
                return 0;
            } catch (RolloutException e) {
                return refuse(e.getMessage());
            }
        }
    }
}
