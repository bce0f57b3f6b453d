package org.cxrtriage.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.cxrtriage.app.triage.rollout.ModelRollout;
import org.cxrtriage.app.triage.rollout.RolloutHistory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code model history ID --out history.json}: the change log a predetermined change control plan
 * needs, as JSON: every installed version with its SHA-256 and calibration, and every change of
 * state with its date, who, the reason and the evidence.
 */
@Command(name = "history", description = "Export a model's versions and every change of state as JSON")
final class HistoryCommand extends ModelCommand.OnDatabase implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID")
    String modelId;

    @Option(names = "--out", required = true, description = "the JSON file to write")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelRollout rollout = rollout();
        Map<String, Object> history = RolloutHistory.of(rollout, modelId);
        if (((java.util.List<?>) history.get("versions")).isEmpty()) {
            return refuse("no installed version of model '" + modelId + "'; 'model list' shows what is installed");
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), history);
        System.out.printf("wrote %s: %d version(s), %d change(s)%n", out, ((java.util.List<?>) history.get("versions")).size(),
                ((java.util.List<?>) history.get("changes")).size());
        return 0;
    }
}
