package org.cxrtriage.app.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Secrets on disk: created readable and writable by the server's account only, never wider. */
public final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /** Creates {@code file} with mode 600 before anything is written to it; fails if it exists. */
    public static void write(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
