package org.cxrtriage.app.triage.rollout;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import org.cxrtriage.app.config.ModelConfig;
import org.cxrtriage.models.manifest.ManifestException;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The model versions this node runs, following the {@code model_version} table: every
 * {@code triage.rollout.poll} (1 s) it compares the change mark and, when it moved, loads the
 * versions that are now shadow, canary or active beside the running ones, switches over, and
 * closes the ones no longer needed half a minute later (their queued work finishes first). So
 * every node follows a change within a few seconds, without a restart. A version that fails to
 * load is reported and the previous set keeps running.
 *
 * <p>On the first start the configured model (TRIAGE_MODEL_ACTIVE, default the reference model) is
 * installed as the active version when its model has no version yet, so nothing changes for a
 * site that never stages a model.
 */
@Context
public final class RolloutModels {

    private static final Logger log = LoggerFactory.getLogger(RolloutModels.class);

    /** A version that runs on this node, with its rollout row at the time it was read. */
    public record Running(ModelVersion version, LoadedModel model) {
    }

    /** Which model decides a study, and each scored model's rollout role ("id version" → active, canary, shadow). */
    public record Selection(ModelRegistry.Snapshot snapshot, Map<String, String> roles) {
    }

    private record Plan(long mark, Map<String, Running> running, List<String> problems) {
    }

    private final ModelRollout rollout;
    private final ModelRegistry registry;
    private final ModelConfig config;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "model-rollout");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Plan plan = new Plan(-1, Map.of(), List.of());

    public RolloutModels(ModelRollout rollout, ModelRegistry registry, ModelConfig config,
                         @Value("${triage.rollout.poll:1s}") Duration poll) {
        this.rollout = rollout;
        this.registry = registry;
        this.config = config;
        registerConfigured();
        refresh();
        executor.scheduleWithFixedDelay(this::refresh, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The models that score {@code studyUid}: the canary decides its share, the active version the rest. */
    public Selection select(String studyUid, Optional<String> callingAeTitle) {
        ModelRegistry.Snapshot configured = registry.current();
        String triageModel = configured.active().manifest().id();
        Plan current = plan;
        Optional<Running> active = inState(current, triageModel, RolloutState.ACTIVE);
        Map<String, String> roles = new LinkedHashMap<>();
        if (active.isEmpty()) {
            return new Selection(configured, roles);
        }
        Optional<Running> canary = inState(current, triageModel, RolloutState.CANARY).filter(running ->
                CanaryAssignment.decides(studyUid, callingAeTitle, running.version().canaryPercent().orElse(100),
                        running.version().canaryCallers()));
        Running decider = canary.orElse(active.get());
        List<LoadedModel> shadows = new ArrayList<>();
        for (Running running : current.running().values()) {
            roles.put(running.version().label(), running.version().state().code());
            if (running != decider) {
                shadows.add(running.model());
            }
        }
        for (LoadedModel shadow : configured.shadows()) {
            if (!current.running().containsKey(label(shadow))) {
                shadows.add(shadow);
            }
        }
        return new Selection(new ModelRegistry.Snapshot(decider.model(), shadows, current.problems()), roles);
    }

    /** The versions running on this node now, and versions that should run but could not be loaded. */
    public List<Running> running() {
        return List.copyOf(plan.running().values());
    }

    public List<String> problems() {
        return plan.problems();
    }

    /** Reads the table now rather than at the next poll (after a change made on this node). */
    public void refreshNow() {
        try {
            executor.submit(this::refresh).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("model rollout refresh did not finish: {}", e.getMessage());
        }
    }

    private void registerConfigured() {
        LoadedModel configured = registry.active();
        try {
            String id = configured.manifest().id();
            List<ModelVersion> versions = rollout.versions(id);
            boolean known = versions.stream().anyMatch(v -> v.version().equals(configured.manifest().version()));
            if (known) {
                return;
            }
            boolean hasActive = versions.stream().anyMatch(v -> v.state() == RolloutState.ACTIVE);
            ModelDirectory installed = ModelInstaller.copyIfAbsent(configured.directory(), rollout.dataDir());
            rollout.register(installed, hasActive ? RolloutState.AVAILABLE : RolloutState.ACTIVE, ChangedBy.system(),
                    hasActive ? "the configured model of this server, installed beside the active version"
                            : "first start: the configured model becomes the active version");
        } catch (RolloutException alreadyRegisteredByAnotherNode) {
            log.info("model {} {}: {}", configured.manifest().id(), configured.manifest().version(),
                    alreadyRegisteredByAnotherNode.getMessage());
        } catch (SQLException | IOException | ManifestException | RuntimeException e) {
            log.error("could not install the configured model {} {} as a rollout version: {}", configured.manifest().id(),
                    configured.manifest().version(), e.getMessage());
        }
    }

    private synchronized void refresh() {
        try {
            long mark = rollout.changeMark();
            if (mark == plan.mark()) {
                return;
            }
            Map<String, Running> previous = plan.running();
            Map<String, Running> next = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            for (ModelVersion version : rollout.list()) {
                if (!version.state().runs()) {
                    continue;
                }
                Running old = previous.get(version.label());
                if (old != null && old.version().sha256().equals(version.sha256())) {
                    next.put(version.label(), new Running(version, old.model()));
                    continue;
                }
                try {
                    ModelDirectory directory = ModelDirectory.open(rollout.dataDir().resolve(version.directory()));
                    next.put(version.label(), new Running(version, LoadedModel.load(directory, config.session())));
                    log.info("model {} loaded for rollout as {}", version.label(), version.state().code());
                } catch (ManifestException | IOException | RuntimeException e) {
                    problems.add(version.label() + " (" + version.state().code() + ") not loaded: " + e.getMessage());
                    log.error("model {} ({}) not loaded: {}", version.label(), version.state().code(), e.getMessage());
                    if (old != null) {
                        next.put(version.label(), new Running(version, old.model()));
                    }
                }
            }
            plan = new Plan(mark, next, List.copyOf(problems));
            Map<String, Running> retired = new HashMap<>(previous);
            next.values().forEach(running -> retired.values().removeIf(old -> old.model() == running.model()));
            if (!retired.isEmpty()) {
                executor.schedule(() -> retired.values().forEach(old -> old.model().close()), 30, TimeUnit.SECONDS);
            }
            log.info("model rollout: running {}", next.values().stream()
                    .map(running -> running.version().label() + " " + running.version().state().code()
                            + (running.version().state() == RolloutState.CANARY ? " " + running.version().share() : ""))
                    .toList());
        } catch (SQLException | RuntimeException e) {
            log.warn("model rollout state not read ({}); the running models stay", e.getMessage());
        }
    }

    private static Optional<Running> inState(Plan plan, String modelId, RolloutState state) {
        return plan.running().values().stream()
                .filter(running -> running.version().modelId().equals(modelId) && running.version().state() == state)
                .findFirst();
    }

    private static String label(LoadedModel model) {
        return model.manifest().id() + " " + model.manifest().version();
    }

    @PreDestroy
    void close() {
        executor.shutdownNow();
        plan.running().values().forEach(running -> running.model().close());
    }
}
