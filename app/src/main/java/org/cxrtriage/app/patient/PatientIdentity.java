package org.cxrtriage.app.patient;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * A patient's identity as a keyed hash: HMAC-SHA-256 of Issuer of Patient ID (0010,0021) and
 * Patient ID (0010,0020) under a per-site secret, so identities can be compared (and used as FHIR
 * Patient ids) without storing or showing the identifier. The secret is 32 random bytes, hex, in
 * {@code <data>/patient-id.key}, created readable by the server's account only on first use and
 * shared by every node on the same data directory. Losing it makes earlier hashes incomparable
 * with new ones: back it up with the database.
 */
public final class PatientIdentity {

    /** The file name under the data directory. */
    public static final String KEY_FILE = "patient-id.key";
    private static final int KEY_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private final byte[] key;

    private PatientIdentity(byte[] key) {
        this.key = key;
    }

    /**
     * Reads the site key from {@code <dataDir>/patient-id.key}, creating it (owner-only) when there is
     * none. Safe when several nodes start at once: exactly one creates it, the others read it.
     */
    public static PatientIdentity key(Path dataDir) throws IOException {
        Path file = Files.createDirectories(dataDir).resolve(KEY_FILE);
        if (!Files.exists(file)) {
            try {
                create(file);
            } catch (FileAlreadyExistsException anotherNodeWasFaster) {
                // read theirs below
            }
        }
        return new PatientIdentity(read(file));
    }

    /**
     * The identity hash (64 hex characters), or null when the Patient ID is absent or empty: an
     * absent ID is "unknown", never equal to anybody's. Both values are trimmed; a missing issuer
     * counts as empty.
     */
    public String hash(String issuerOfPatientId, String patientId) {
        if (patientId == null || patientId.isBlank()) {
            return null;
        }
        byte[] issuer = (issuerOfPatientId == null ? "" : issuerOfPatientId.trim()).getBytes(StandardCharsets.UTF_8);
        byte[] id = patientId.trim().getBytes(StandardCharsets.UTF_8);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            // The issuer's length first, so ("AB", "C") and ("A", "BC") differ.
            mac.update(ByteBuffer.allocate(4).putInt(issuer.length).array());
            mac.update(issuer);
            mac.update(id);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }

    /**
     * The FHIR Patient id of a study's patient: "pat-" and 128 bits of the keyed identity hash, so
     * the id reveals nothing (a 7-digit Patient ID cannot be recovered by trying them all without the
     * site key). A study without a Patient ID gets a Patient of its own, keyed by its Study
     * Instance UID: it is never merged with another study's patient.
     */
    public String patientKey(String issuerOfPatientId, String patientId, String studyInstanceUid) {
        String identity = hash(issuerOfPatientId, patientId);
        if (identity == null) {
            identity = hash("cxr-triage:study-without-patient-id", studyInstanceUid);
        }
        return "pat-" + identity.substring(0, 32);
    }

    private static void create(Path file) throws IOException {
        byte[] secret = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(secret);
        byte[] hex = (HexFormat.of().formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII);
        try (SeekableByteChannel channel = openNew(file)) {
            channel.write(ByteBuffer.wrap(hex));
        }
    }

    private static SeekableByteChannel openNew(Path file) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SYNC);
        try {
            return Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException notPosix) {
            return Files.newByteChannel(file, options);
        }
    }

    /** Reads the key; waits briefly for a node that is still writing it. */
    private static byte[] read(Path file) throws IOException {
        String text = "";
        for (int attempt = 0; attempt < 50; attempt++) {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (text.length() >= KEY_BYTES * 2) {
                break;
            }
            pause();
        }
        if (!text.matches("[0-9a-fA-F]{" + (KEY_BYTES * 2) + "}")) {
            throw new IllegalStateException(file + " must hold " + KEY_BYTES + " random bytes as " + (KEY_BYTES * 2)
                    + " hex characters. Restore it from your backup; delete it only if no instance has been recorded yet"
                    + " (a new key makes recorded patient identities incomparable)");
        }
        tightenPermissions(file);
        return HexFormat.of().parseHex(text);
    }

    private static void tightenPermissions(Path file) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (UnsupportedOperationException notPosix) {
            // nothing to tighten on this file system
        }
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the patient identity key", e);
        }
    }
}
