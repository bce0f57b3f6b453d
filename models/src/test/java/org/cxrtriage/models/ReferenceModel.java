package org.cxrtriage.models;

import org.cxrtriage.models.registry.BundledModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper: a fresh copy of the bundled reference model in a directory of the test's own. */
public final class ReferenceModel {

    private ReferenceModel() {
    }

    public static Path copyTo(Path directory) throws IOException {
        return BundledModels.extractReference(Files.createDirectories(directory));
    }
}
