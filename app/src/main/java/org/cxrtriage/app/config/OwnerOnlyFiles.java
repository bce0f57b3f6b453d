package org.cxrtriage.app.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Secrets and patient data on disk: readable and writable by the server's account only, never
 * wider, whatever the process umask. On file systems without POSIX permissions nothing is changed.
 */
public final class OwnerOnlyFiles {

    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {
    }

    /** Creates {@code file} with mode 600 before anything is written to it; fails if it exists. */
    public static void write(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Creates the folder (and missing parents) or, when it exists with wider permissions, tightens
     * it to 700. Returns whether it had to be tightened.
     */
    public static boolean directory(Path folder) throws IOException {
        Files.createDirectories(folder);
        try {
            if (!Files.getPosixFilePermissions(folder).equals(FOLDER)) {
                Files.setPosixFilePermissions(folder, FOLDER);
                return true;
            }
        } catch (UnsupportedOperationException notPosix) {
            // nothing to tighten on this file system
        }
        return false;
    }

    /** Tightens an existing file to 600 (a file another program created under the process umask). */
    public static void tighten(Path file) throws IOException {
        try {
            if (Files.exists(file) && !Files.getPosixFilePermissions(file).equals(FILE)) {
                Files.setPosixFilePermissions(file, FILE);
            }
        } catch (UnsupportedOperationException notPosix) {
            // nothing to tighten on this file system
        }
    }
}
