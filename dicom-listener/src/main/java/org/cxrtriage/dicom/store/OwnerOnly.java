package org.cxrtriage.dicom.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Patient data at rest is readable by the server's account only: folders 700 and files 600 from
 * the moment they are created, whatever the process umask (which would otherwise decide). On file
 * systems without POSIX permissions the files are created plainly.
 */
final class OwnerOnly {

    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /** The folder (and missing parents), created or tightened to 700. */
    static Path directory(Path folder) throws IOException {
        Files.createDirectories(folder);
        tighten(folder, FOLDER);
        return folder;
    }

    /** A new folder, 700; fails if it exists. */
    static Path newDirectory(Path folder) throws IOException {
        try {
            return Files.createDirectory(folder, attribute(FOLDER));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createDirectory(folder);
        }
    }

    /** A new empty file, 600; fails if it exists. */
    static Path file(Path file) throws IOException {
        try {
            return Files.createFile(file, attribute(FILE));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createFile(file);
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }

    private static void tighten(Path path, Set<PosixFilePermission> permissions) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(path).equals(permissions)) {
                Files.setPosixFilePermissions(path, permissions);
            }
        } catch (UnsupportedOperationException notPosix) {
            // nothing to tighten on this file system
        }
    }
}
