package org.cxrtriage.app.cli;

import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.delivery.DeliveryQueue;
import org.cxrtriage.app.delivery.DeliveryReports;
import org.cxrtriage.compliance.chain.AuditLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code deliver status|retry}: the result outbox from the command line, with or without the
 * server running. {@code retry} puts failed deliveries back in the queue (due now, with a fresh
 * give-up period); the running servers send them. Re-queuing is audited as the operating-system user.
 */
@Command(name = "deliver", description = "Result delivery: status, and re-queuing failed deliveries",
        subcommands = {DeliverCommand.Status.class, DeliverCommand.Retry.class})
final class DeliverCommand {

    abstract static class DataDirOption {
        @Option(names = "--data-dir", description = "data directory (default: $TRIAGE_DATA_DIR or ./data)")
        Path dataDir;

        DataSource database() {
            return TriageDatabase.migrated(TriageDatabase.dataDir(dataDir));
        }
    }

    @Command(name = "status", description = "Pending and failed deliveries per destination, and the latest failures")
    static final class Status extends DataDirOption implements Callable<Integer> {
        @Option(names = "--study", description = "only this study's failures (Study Instance UID)")
        String study;

        @Override
        public Integer call() throws Exception {
            DeliveryReports reports = new DeliveryReports(new Sql(database()));
            List<DeliveryReports.Destination> destinations = reports.destinations();
            System.out.printf("%-8s %-48s %8s %8s  %s%n", "KIND", "DESTINATION", "PENDING", "FAILED", "OLDEST PENDING");
            for (DeliveryReports.Destination d : destinations) {
                System.out.printf("%-8s %-48s %8d %8d  %s%n", d.kind(), d.destination(), d.pending(), d.failed(),
                        d.oldestPending().map(Instant::toString).orElse("-"));
            }
            List<DeliveryReports.Failure> failures = reports.failures(Optional.ofNullable(study), 20);
            if (!failures.isEmpty()) {
                System.out.println();
                System.out.println("Latest failures (newest first):");
            }
            for (DeliveryReports.Failure f : failures) {
                System.out.printf("  #%d %s %s, study %s revision %d, %d attempt(s), last %s: %s%n", f.id(), f.kind(),
                        f.destination(), f.studyUid(), f.revision(), f.attempts(),
                        f.lastAttempt().map(Instant::toString).orElse("-"), f.error());
            }
            return 0;
        }
    }

    @Command(name = "retry", description = "Re-queue failed deliveries: all, one study's (--study) or one destination's")
    static final class Retry extends DataDirOption implements Callable<Integer> {
        @Option(names = "--study", description = "only this study (Study Instance UID)")
        String study;
        @Option(names = "--destination", description = "only this destination, as 'deliver status' names it")
        String destination;

        @Override
        public Integer call() throws Exception {
            DataSource database = database();
            int requeued = new DeliveryQueue(new Sql(database), new AuditLog(database)).retryFailed(
                    new DeliveryQueue.RetryScope(Optional.ofNullable(study), Optional.ofNullable(destination), List.of()),
                    DeliveryQueue.Actor.commandLine(), Instant.now());
            System.out.printf("%d failed deliver%s re-queued%s%n", requeued, requeued == 1 ? "y" : "ies",
                    requeued == 0 ? "" : "; the running server(s) send them now");
            return 0;
        }
    }
}
