package org.cxrtriage.app.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.chain.ChainVerifier;
import org.cxrtriage.compliance.export.AuditExport;
import org.cxrtriage.compliance.export.ExportManifest;
import org.cxrtriage.compliance.fhir.AuditEvents;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code audit verify}: checks the whole audit chain and its head file; exit 0 only if intact.
 * {@code audit export}: writes a time range as FHIR NDJSON or CSV with a manifest (SHA-256, chain head).
 */
@Command(name = "audit", description = "Audit log tools", subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand {

    @Command(name = "verify", description = "Check every audit record's hash chain and the head file")
    static final class Verify implements Callable<Integer> {

        @Option(names = "--data-dir", description = "data directory (default: $TRIAGE_DATA_DIR or ./data)")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            Path data = TriageDatabase.dataDir(dataDir);
            ChainVerifier verifier = new ChainVerifier();
            new AuditLog(TriageDatabase.existing(data)).readAll(verifier::accept);
            ChainVerifier.Verdict verdict = verifier.verdict(AuditTrail.lastHead(data.resolve("audit").resolve("chain-head.log")));
            if (verdict.intact()) {
                System.out.printf("audit chain intact: %d records, last hash %s%n", verdict.checked(), verdict.lastHash());
                return 0;
            }
            System.out.printf("audit chain BROKEN at sequence %d: %s (%d records read)%n",
                    verdict.firstBrokenSequence().orElse(-1L), verdict.problem(), verdict.checked());
            return 1;
        }
    }

    @Command(name = "export", description = "Write the audit records of a time range as FHIR AuditEvent NDJSON or CSV,"
            + " with a manifest holding the file's SHA-256 and the chain head")
    static final class Export implements Callable<Integer> {

        @Option(names = "--from", required = true, description = "first day or instant included, e.g. 2026-11-01 or 2026-11-01T08:00:00Z")
        String from;
        @Option(names = "--to", required = true, description = "first day or instant NOT included, e.g. 2026-12-01")
        String to;
        @Option(names = "--format", defaultValue = "ndjson", description = "ndjson (FHIR R4 AuditEvent, one per line) or csv")
        String format;
        @Option(names = "--out", required = true, description = "the file to write; the manifest goes to FILE.manifest.json")
        Path out;
        @Option(names = "--data-dir", description = "data directory (default: $TRIAGE_DATA_DIR or ./data)")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            Instant start;
            Instant end;
            AuditExport.Format kind;
            try {
                start = instant(from, "--from");
                end = instant(to, "--to");
                kind = AuditExport.Format.valueOf(format.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                System.err.println("cxr-triage: " + (e.getMessage().startsWith("No enum")
                        ? "unknown --format '" + format + "': use ndjson or csv" : e.getMessage()));
                return 2;
            }
            if (!end.isAfter(start)) {
                System.err.println("cxr-triage: --to must be after --from");
                return 2;
            }
            Path data = TriageDatabase.dataDir(dataDir);
            DataSource database = TriageDatabase.existing(data);
            AuditLog log = new AuditLog(database);
            AuditExport.Result result;
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("audit export").setUnit(" records", 1)
                    .setStyle(ProgressBarStyle.ASCII).setInitialMax(0).setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build()) {
                result = new AuditExport(log, new AuditEvents(), "cxr-triage audit export").export(start, end, kind, out,
                        (done, total) -> {
                            bar.maxHint(total);
                            bar.stepTo(done);
                        });
            }
            ExportManifest manifest = result.manifest();
            log.append(new AuditEntry(Instant.now(), "USER", "os:" + System.getProperty("user.name", "unknown"), org.cxrtriage.compliance.AuditAction.AUDIT_EXPORT.code(),
                    null, List.of(), "SUCCESS", "command line", manifest.recordCount() + " record(s) from " + start + " to " + end
                    + " as " + manifest.format() + " to " + result.file().getFileName() + ", sha256 " + manifest.sha256()));
            System.out.printf("wrote %d audit records to %s%nmanifest %s%nsha256 %s%nchain head %d %s, chain %s%n",
                    manifest.recordCount(), result.file(), result.manifestFile(), manifest.sha256(),
                    manifest.chainHead().sequence(), manifest.chainHead().hash(),
                    manifest.chainVerification().intact() ? "intact" : "BROKEN at sequence "
                            + manifest.chainVerification().firstBrokenSequence() + ": " + manifest.chainVerification().problem());
            return manifest.chainVerification().intact() ? 0 : 1;
        }

        /** A day (midnight UTC) or an ISO-8601 instant. */
        private static Instant instant(String text, String option) {
            try {
                return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " '" + text + "' is not a date (2026-11-01) or an instant"
                        + " (2026-11-01T08:00:00Z)");
            }
        }
    }
}
