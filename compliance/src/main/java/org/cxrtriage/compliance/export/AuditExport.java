package org.cxrtriage.compliance.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.chain.AuditQuery;
import org.cxrtriage.compliance.chain.AuditRecord;
import org.cxrtriage.compliance.chain.ChainHead;
import org.cxrtriage.compliance.chain.ChainVerifier;
import org.cxrtriage.compliance.fhir.AuditEvents;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Exports the audit records of a time range [from, to) as FHIR NDJSON or CSV, with a manifest
 * beside the file that gives its SHA-256, the chain head at export time and whether the whole
 * chain verified. The export and the manifest each appear complete or not at all (written to a
 * temporary file in the same directory, synced, then renamed). Records appended while the export
 * runs are left out: it stops at the head it read first.
 */
public final class AuditExport {

    public enum Format { NDJSON, CSV }

    /** Told after each record written; {@code total} is the number of records the export will hold. */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total);
    }

    public record Result(Path file, Path manifestFile, ExportManifest manifest) {
    }

    private final AuditLog log;
    private final AuditEvents events;
    private final String producer;

    /** @param producer the tool named in the manifest, e.g. "cxr-triage 0.1.0 audit export" */
    public AuditExport(AuditLog log, AuditEvents events, String producer) {
        this.log = log;
        this.events = events;
        this.producer = producer;
    }

    /**
     * Writes the records recorded in [from, to) to {@code out} (replacing it) and the manifest to
     * {@code out.manifest.json}. Both files are readable by their owner only: they say who looked
     * at which study. A broken chain does not stop the export; the manifest and the result say so.
     */
    public Result export(Instant from, Instant to, Format format, Path out, Progress progress)
            throws IOException, SQLException {
        ChainHead head = log.head();
        AuditQuery range = AuditQuery.between(from, to).through(head.sequence());
        long total = log.count(range);
        Path file = out.toAbsolutePath();
        Written written = atomically(file, stream -> writeRecords(stream, format, range, total, progress));

        ChainVerifier verifier = new ChainVerifier();
        log.stream(AuditQuery.all().through(head.sequence()), verifier::accept);
        ChainVerifier.Verdict verdict = verifier.verdict(Optional.of(head));

        ExportManifest manifest = new ExportManifest(file.getFileName().toString(), format.name().toLowerCase(Locale.ROOT),
                from.toString(), to.toString(), written.count, written.first, written.last, written.sha256, head,
                new ExportManifest.ChainVerification(verdict.intact(), verdict.checked(),
                        verdict.firstBrokenSequence().orElse(null), verdict.intact() ? null : verdict.problem()),
                Instant.now().toString(), producer);
        Path manifestFile = file.resolveSibling(file.getFileName() + ".manifest.json");
        byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        atomically(manifestFile, stream -> {
            stream.write(json);
            return null;
        });
        return new Result(file, manifestFile, manifest);
    }

    /** What went into the file; first and last are null when no record did. */
    private record Written(long count, Long first, Long last, String sha256) {
    }

    private Written writeRecords(OutputStream file, Format format, AuditQuery range, long total, Progress progress)
            throws IOException, SQLException {
        MessageDigest sha256 = sha256();
        Writer text = new BufferedWriter(new OutputStreamWriter(new DigestOutputStream(file, sha256), StandardCharsets.UTF_8));
        RecordWriter records = format == Format.CSV ? new CsvRecords(text) : new NdjsonRecords(text, events);
        Tally tally = new Tally();
        records.begin();
        progress.update(0, total);
        try {
            log.stream(range, record -> {
                try {
                    records.write(record);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                tally.add(record);
                progress.update(tally.count, total);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        records.end();
        return new Written(tally.count, tally.first, tally.last, HexFormat.of().formatHex(sha256.digest()));
    }

    private static final class Tally {
        long count;
        Long first;
        Long last;

        void add(AuditRecord record) {
            count++;
            first = first == null ? record.sequence() : first;
            last = record.sequence();
        }
    }

    private interface Content<T> {
        T writeTo(OutputStream out) throws IOException, SQLException;
    }

    /** Writes {@code target} through a synced temporary file renamed over it, so no reader sees it half-written. */
    private static <T> T atomically(Path target, Content<T> content) throws IOException, SQLException {
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            T result;
            try (FileOutputStream out = new FileOutputStream(temporary.toFile())) {
                result = content.writeTo(out);
                out.getFD().sync();
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return result;
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
