package org.cxrtriage.models.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The reference model ships inside the server jar (resources under
 * {@code org/cxrtriage/models/reference/}, listed in {@code files.txt}). ONNX Runtime needs files,
 * so it is copied out to a directory once; its SHA-256 is checked when the registry opens it.
 */
public final class BundledModels {

    private static final String ROOT = "/org/cxrtriage/models/reference/";

    private BundledModels() {
    }

    /** Copies the reference model to {@code target} (replacing an older copy) and returns it. */
    public static Path extractReference(Path target) throws IOException {
        List<String> files;
        try (InputStream index = BundledModels.class.getResourceAsStream(ROOT + "files.txt")) {
            if (index == null) {
                throw new IOException("the reference model is missing from this build (no " + ROOT + "files.txt)");
            }
            files = new String(index.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::trim).filter(line -> !line.isEmpty()).toList();
        }
        for (String name : files) {
            Path file = target.resolve(name).normalize();
            if (!file.startsWith(target)) {
                throw new IOException("bad entry in files.txt: " + name);
            }
            Files.createDirectories(file.getParent());
            try (InputStream in = BundledModels.class.getResourceAsStream(ROOT + name)) {
                if (in == null) {
                    throw new IOException("reference model file missing from this build: " + name);
                }
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }
}
