package org.cxrtriage.dicom.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The durable store of received instances: {@code <root>/<StudyInstanceUID>/<SOPInstanceUID>.dcm}.
 * Files arrive in {@code <root>/.incoming} and are moved into place only after they are fsynced,
 * so a file under a study folder is always complete. Undecodable data sets go to a quarantine
 * folder beside the spool with a note saying why.
 *
 * <p>The spool owns this layout: others keep only the path it hands out ({@link #relativePath}),
 * relative to the folder that holds the spool (the data directory: {@code spool/<study>/<sop>.dcm}),
 * and ask it to {@link #resolve} or {@link #delete} one. Folders are created readable by the
 * server's account only (700) and files owner-only (600), whatever the process umask.
 */
public final class StudySpool {

    /** A DICOM UID (PS3.5 9.1): digits and dots, at most 64 characters. Also keeps paths safe. */
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private final Path root;
    private final Path incoming;
    private final Path quarantine;
    private final long minFreeBytes;

    public StudySpool(Path root, Path quarantine, long minFreeBytes) throws IOException {
        this.root = OwnerOnly.directory(root.toAbsolutePath().normalize());
        this.incoming = OwnerOnly.directory(this.root.resolve(".incoming"));
        this.quarantine = OwnerOnly.directory(quarantine.toAbsolutePath().normalize());
        this.minFreeBytes = minFreeBytes;
    }

    /** The path to record for a spooled instance: relative to the folder that holds the spool. */
    public String relativePath(String studyInstanceUid, String sopInstanceUid) {
        return base().relativize(pathOf(studyInstanceUid, sopInstanceUid)).toString();
    }

    /** The file a recorded path names; refuses any path that would lead outside the spool. */
    public Path resolve(String relativePath) {
        Path file = base().resolve(relativePath).normalize();
        if (!file.startsWith(root) || file.startsWith(incoming)) {
            throw new IllegalArgumentException("not a spooled instance: " + relativePath);
        }
        return file;
    }

    /**
     * Deletes a spooled instance (retention) and then its study folder if that is now empty.
     * Returns the bytes freed (0 when the file was already gone).
     */
    public long delete(String relativePath) throws IOException {
        Path file = resolve(relativePath);
        long size = Files.exists(file) ? Files.size(file) : 0;
        Files.deleteIfExists(file);
        Path folder = file.getParent();
        if (!folder.equals(root)) {
            try (var entries = Files.list(folder)) {
                if (entries.findAny().isEmpty()) {
                    Files.deleteIfExists(folder);
                }
            }
        }
        return size;
    }

    /** Removes a committed instance again (a corrected re-send moved it to another study). */
    public void remove(String studyInstanceUid, String sopInstanceUid) throws IOException {
        delete(relativePath(studyInstanceUid, sopInstanceUid));
    }

    private Path base() {
        return root.getParent() == null ? root : root.getParent();
    }

    /** Where undecodable data sets are kept for inspection. */
    public Path quarantineDir() {
        return quarantine;
    }

    public Path root() {
        return root;
    }

    /** Where a spooled instance lives. The UIDs must be valid DICOM UIDs. */
    public Path pathOf(String studyInstanceUid, String sopInstanceUid) {
        requireUid(studyInstanceUid, "Study Instance UID");
        requireUid(sopInstanceUid, "SOP Instance UID");
        return root.resolve(studyInstanceUid).resolve(sopInstanceUid + ".dcm");
    }

    public static boolean isValidUid(String uid) {
        return uid != null && uid.length() <= 64 && UID.matcher(uid).matches();
    }

    /** Usable bytes on the spool's file system. */
    public long freeBytes() throws IOException {
        return Files.getFileStore(root).getUsableSpace();
    }

    /** True while the free space is above the configured floor. */
    public boolean hasRoom() {
        try {
            return freeBytes() >= minFreeBytes;
        } catch (IOException e) {
            return false;
        }
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** A new, empty file to receive one data set into. */
    public Path newIncomingFile() throws IOException {
        return OwnerOnly.file(incoming.resolve(UUID.randomUUID() + ".part"));
    }

    /**
     * Moves a fully written and fsynced incoming file to its place and fsyncs the folders, so the
     * file survives a crash once this returns. Replaces an earlier copy of the same instance.
     *
     * @return true if no copy of the instance existed before
     */
    public boolean commit(Path incomingFile, String studyInstanceUid, String sopInstanceUid) throws IOException {
        Path target = pathOf(studyInstanceUid, sopInstanceUid);
        Path studyFolder = target.getParent();
        boolean newFolder = !Files.isDirectory(studyFolder);
        if (newFolder) {
            try {
                OwnerOnly.newDirectory(studyFolder);
            } catch (FileAlreadyExistsException raced) {
                newFolder = false;
            }
        }
        boolean existed = Files.exists(target);
        try {
            Files.move(incomingFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the spool's .incoming folder must be on the same file system as the spool", e);
        }
        fsyncFolder(studyFolder);
        if (newFolder) {
            fsyncFolder(root);
        }
        return !existed;
    }

    /** Keeps bytes we could not accept for inspection, with a note of why. Returns the new path. */
    public Path quarantine(Path incomingFile, String callingAeTitle, String reason) throws IOException {
        String name = STAMP.format(Instant.now()) + "-" + UUID.randomUUID();
        Path target = quarantine.resolve(name + ".dcm");
        Files.move(incomingFile, target, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(OwnerOnly.file(quarantine.resolve(name + ".txt")),
                "calling AE: " + callingAeTitle + "\nreason: " + reason + "\n", StandardCharsets.UTF_8);
        return target;
    }

    /** Deletes incoming files left behind by a crash: no response was sent for any of them. */
    public int clearIncoming() throws IOException {
        int removed = 0;
        try (var files = Files.list(incoming)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
                removed++;
            }
        }
        return removed;
    }

    static void fsyncFolder(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void requireUid(String uid, String what) {
        if (!isValidUid(uid)) {
            throw new IllegalArgumentException(what + " is not a valid DICOM UID: " + uid);
        }
    }
}
