package org.cxrtriage.models.registry;

import org.cxrtriage.models.manifest.ManifestException;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models this server runs: the bundled reference model and every directory under
 * {@code <data>/models} whose ONNX file matches its manifest's SHA-256. One model is active
 * (its scores set priority); shadow models are scored and recorded only. {@link #reload()} loads
 * the new set beside the old one, switches over at once, and unloads the old set only after its
 * queued work is done, so no request is dropped.
 */
public final class ModelRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    public static final String REFERENCE_ID = "cxr-reference";

    /** What was found on disk: the models that loaded, and why others did not. */
    public record Snapshot(LoadedModel active, List<LoadedModel> shadows, List<String> problems) {
        public List<LoadedModel> all() {
            List<LoadedModel> all = new ArrayList<>();
            all.add(active);
            all.addAll(shadows);
            return all;
        }
    }

    private final RegistrySettings settings;
    private volatile Snapshot current;

    public ModelRegistry(RegistrySettings settings) throws ManifestException {
        this.settings = settings;
        this.current = loadAll();
    }

    public Snapshot current() {
        return current;
    }

    public LoadedModel active() {
        return current.active();
    }

    /** Loads everything again and switches over; the previous models finish their queued work first. */
    public synchronized Snapshot reload() throws ManifestException {
        Snapshot previous = current;
        current = loadAll();
        for (LoadedModel model : previous.all()) {
            model.close();
        }
        log.info("models reloaded: active {} {}, {} shadow(s)", current.active().manifest().id(),
                current.active().manifest().version(), current.shadows().size());
        return current;
    }

    private Snapshot loadAll() throws ManifestException {
        List<String> problems = new ArrayList<>();
        Map<String, ModelDirectory> byId = new LinkedHashMap<>();
        if (settings.bundledDir().isPresent()) {
            ModelDirectory bundled = ModelDirectory.open(settings.bundledDir().get());
            byId.put(bundled.manifest().id(), bundled);
        }
        for (Path directory : modelDirectories()) {
            try {
                ModelDirectory model = ModelDirectory.open(directory);
                ModelDirectory replaced = byId.put(model.manifest().id(), model);
                if (replaced != null) {
                    log.info("model {}: {} replaces {}", model.manifest().id(), directory, replaced.path());
                }
            } catch (ManifestException e) {
                problems.add(e.getMessage());
                log.error("model not loaded: {}", e.getMessage());
            }
        }
        String activeId = settings.activeId().orElse(REFERENCE_ID);
        ModelDirectory activeDirectory = byId.get(activeId);
        if (activeDirectory == null) {
            throw new ManifestException("active model '" + activeId + "' was not found among " + byId.keySet()
                    + (problems.isEmpty() ? "" : "; problems: " + problems)
                    + ". Install it under " + settings.modelsDir() + "/<name>/ or set TRIAGE_MODEL_ACTIVE");
        }
        LoadedModel active = load(activeDirectory);
        List<LoadedModel> shadows = new ArrayList<>();
        for (String id : settings.shadowIds()) {
            ModelDirectory shadow = byId.get(id);
            if (shadow == null || id.equals(activeId)) {
                problems.add("shadow model '" + id + "' not found or is the active model");
                continue;
            }
            try {
                shadows.add(load(shadow));
            } catch (ManifestException e) {
                problems.add("shadow model '" + id + "' not loaded: " + e.getMessage());
                log.error("shadow model {} not loaded: {}", id, e.getMessage());
            }
        }
        return new Snapshot(active, List.copyOf(shadows), List.copyOf(problems));
    }

    private LoadedModel load(ModelDirectory directory) throws ManifestException {
        try {
            LoadedModel model = LoadedModel.load(directory, settings.session());
            log.info("model {} {} loaded from {} on {}{}", directory.manifest().id(), directory.manifest().version(),
                    directory.path(), model.device().actual(),
                    model.device().note().isEmpty() ? "" : " (" + model.device().note() + ")");
            return model;
        } catch (IOException e) {
            throw new ManifestException(e.getMessage(), e);
        }
    }

    private List<Path> modelDirectories() {
        if (!Files.isDirectory(settings.modelsDir())) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(settings.modelsDir())) {
            return children.filter(Files::isDirectory)
                    .filter(path -> !path.getFileName().toString().startsWith("."))
                    .filter(path -> Files.exists(path.resolve("manifest.json")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            log.error("cannot list {}: {}", settings.modelsDir(), e.getMessage());
            return List.of();
        }
    }

    public Optional<LoadedModel> find(String id) {
        return current.all().stream().filter(model -> model.manifest().id().equals(id)).findFirst();
    }

    @Override
    public synchronized void close() {
        for (LoadedModel model : current.all()) {
            model.close();
        }
    }
}
