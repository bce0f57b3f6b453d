package org.cxrtriage.compliance.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A chained audit record: the entry, its sequence number, and hash = SHA-256(previous hash + the
 * canonical form of this record). Changing, removing, inserting or reordering any record breaks
 * every hash after it.
 *
 * <p>{@code format} names the canonical form the hash covers. Format 1 (records written before
 * release 0.2) joined the resources with newlines, so a resource holding a newline read back as two;
 * format 2 length-prefixes every resource and names its format, so any string in any field
 * verifies. Records keep the format they were written in; new records use {@link #CURRENT_FORMAT}.
 */
public record AuditRecord(long sequence, AuditEntry entry, String previousHash, String hash, int format) {

    /** The hash of "no previous record". */
    public static final String GENESIS = "0".repeat(64);
    public static final int CURRENT_FORMAT = 2;

    /** Chains an entry after the record with {@code previousHash}, in the current format. */
    public static AuditRecord chain(long sequence, AuditEntry entry, String previousHash) {
        return new AuditRecord(sequence, entry, previousHash, hashOf(sequence, entry, previousHash, CURRENT_FORMAT),
                CURRENT_FORMAT);
    }

    /** True when the stored hash is what the content gives. */
    public boolean intact() {
        return hash.equals(hashOf(sequence, entry, previousHash, format));
    }

    /**
     * The text the hash covers after the previous hash: {@code hash = SHA-256(ASCII previousHash ‖ UTF-8
     * canonicalForm())}. Exports carry it so a reader can check the chain without this code.
     */
    public String canonicalForm() {
        return canonical(sequence, entry, format);
    }

    static String hashOf(long sequence, AuditEntry entry, String previousHash, int format) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(previousHash.getBytes(StandardCharsets.US_ASCII));
            digest.update(canonical(sequence, entry, format).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * One line per field, in a fixed order, each value length-prefixed so no value can imitate a
     * field boundary. Time in epoch microseconds (what both databases store exactly). Format 2
     * starts with its format and writes the resource count, then each resource length-prefixed.
     */
    static String canonical(long sequence, AuditEntry e, int format) {
        if (format != 1 && format != 2) {
            throw new IllegalArgumentException("unknown audit record format " + format);
        }
        StringBuilder out = new StringBuilder();
        if (format == 2) {
            field(out, "format", "2");
        }
        field(out, "seq", Long.toString(sequence));
        long micros = e.time().getEpochSecond() * 1_000_000L + e.time().getNano() / 1_000;
        field(out, "time", Long.toString(micros));
        field(out, "actorType", e.actorType());
        field(out, "actor", e.actor());
        field(out, "action", e.action());
        field(out, "study", e.studyUid());
        if (format == 1) {
            field(out, "resources", String.join("\n", e.resources()));
        } else {
            field(out, "resources", Integer.toString(e.resources().size()));
            for (String resource : e.resources()) {
                field(out, "resource", resource);
            }
        }
        field(out, "outcome", e.outcome());
        field(out, "source", e.source());
        field(out, "details", e.details());
        return out.toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        String text = value == null ? "" : value;
        out.append(name).append(':').append(value == null ? -1 : text.length()).append(':').append(text).append('\n');
    }
}
