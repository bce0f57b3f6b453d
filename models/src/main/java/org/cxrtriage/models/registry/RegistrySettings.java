package org.cxrtriage.models.registry;

import org.cxrtriage.models.inference.SessionSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where models come from and which ones run.
 *
 * @param modelsDir  {@code <data>/models}: one sub-directory per installed model
 * @param bundledDir the extracted reference model shipped with the server, if any
 * @param activeId   the model whose scores drive priority; empty means the reference model
 * @param shadowIds  models run and recorded beside the active one, never used for priority
 */
public record RegistrySettings(Path modelsDir, Optional<Path> bundledDir, Optional<String> activeId,
                               List<String> shadowIds, SessionSettings session) {
}
