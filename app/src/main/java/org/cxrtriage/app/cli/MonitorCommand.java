package org.cxrtriage.app.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.monitoring.PeriodReport;
import org.cxrtriage.app.monitoring.PeriodReportHtml;
import org.cxrtriage.compliance.AuditAction;
import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code monitor report --from DATE --to DATE --out report.html}: the periodic model-performance
 * report as one self-contained HTML file, read from the server's database (it may be running). The
 * report's making is audited ({@code monitor.report}).
 */
@Command(name = "monitor", description = "Population monitoring tools", subcommands = MonitorCommand.Report.class)
final class MonitorCommand {

    @Command(name = "report", description = "Write the periodic model-performance report of whole UTC days [--from, --to)"
            + " as one self-contained HTML file")
    static final class Report implements Callable<Integer> {

        @Option(names = "--from", required = true, description = "first day included, e.g. 2026-11-01")
        String from;
        @Option(names = "--to", required = true, description = "first day NOT included, e.g. 2026-12-01 for all of November")
        String to;
        @Option(names = "--out", required = true, description = "the HTML file to write")
        Path out;
        @Option(names = "--data-dir", description = "data directory (default: $TRIAGE_DATA_DIR or ./data)")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            LocalDate start;
            LocalDate end;
            try {
                start = day(from, "--from");
                end = day(to, "--to");
            } catch (IllegalArgumentException e) {
                System.err.println("cxr-triage: " + e.getMessage());
                return 2;
            }
            if (!end.isAfter(start)) {
                System.err.println("cxr-triage: --to " + end + " must be after --from " + start + " (--to is the first day not included)");
                return 2;
            }
            Path target = out.toAbsolutePath();
            if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
                System.err.println("cxr-triage: cannot write " + target + ": its folder does not exist; create it or choose another --out");
                return 2;
            }
            Path data = TriageDatabase.dataDir(dataDir);
            if (!System.getenv().getOrDefault("TRIAGE_DB_URL", "").startsWith("jdbc:postgresql:")
                    && !Files.isDirectory(data.resolve("db"))) {
                System.err.println("cxr-triage: no cxr-triage database in " + data + ": give the server's data directory with"
                        + " --data-dir or TRIAGE_DATA_DIR, or its PostgreSQL database with TRIAGE_DB_URL");
                return 2;
            }
            DataSource database = TriageDatabase.existing(data);
            Sql sql = new Sql(database);
            PeriodReport report;
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("monitor report").setUnit(" steps", 1)
                    .setStyle(ProgressBarStyle.ASCII).setInitialMax(0).setConsumer(new ConsoleProgressBarConsumer(System.err)).build()) {
                report = PeriodReport.read(sql, start, end, setting("TRIAGE_MONITOR_DISAGREEMENT_RATE", 0.15),
                        setting("TRIAGE_MONITOR_CUSUM_ARL", 1000), (done, total) -> {
                            bar.maxHint(total);
                            bar.stepTo(done);
                        });
            }
            Path part = target.resolveSibling(target.getFileName() + ".part");
            Files.writeString(part, PeriodReportHtml.render(report), StandardCharsets.UTF_8);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            new AuditLog(database).append(new AuditEntry(Instant.now(), "USER", "os:" + System.getProperty("user.name", "unknown"),
                    AuditAction.MONITOR_REPORT.code(), null, List.of(), "SUCCESS", "command line", "monitoring report of "
                    + start + " to " + end.minusDays(1) + " (" + report.studies() + " studies) to " + target.getFileName()));
            System.out.printf("wrote %s: %d studies from %s to %s, %d alarm(s), %d findings with feedback%n", target, report.studies(),
                    start, end.minusDays(1), report.alarms().size(), report.performance().feedbacks());
            return 0;
        }

        private static LocalDate day(String text, String option) {
            try {
                return LocalDate.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " '" + text + "' is not a day like 2026-11-01");
            }
        }

        /** The server's setting from the environment, so the report's CUSUM matches the server's. */
        private static double setting(String name, double fallback) {
            String value = System.getenv(name);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                return Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " '" + value + "' is not a number");
            }
        }
    }
}
