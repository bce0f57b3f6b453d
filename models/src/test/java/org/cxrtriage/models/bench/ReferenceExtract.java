package org.cxrtriage.models.bench;

import org.cxrtriage.models.registry.BundledModels;

import java.nio.file.Files;
import java.nio.file.Path;

/** Copies the bundled reference model to a directory, for the benchmark script. */
public final class ReferenceExtract {

    private ReferenceExtract() {
    }

    public static void main(String[] args) throws Exception {
        BundledModels.extractReference(Files.createDirectories(Path.of(args[0])));
    }
}
