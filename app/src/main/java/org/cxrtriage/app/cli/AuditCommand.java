package org.cxrtriage.app.cli;

import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.config.DefaultDatabaseUrl;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.chain.ChainVerifier;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code audit verify}: checks the whole audit chain and its head file; exit 0 only if intact. */
@Command(name = "audit", description = "Audit log tools", subcommands = {AuditCommand.Verify.class})
final class AuditCommand {

    @Command(name = "verify", description = "Check every audit record's hash chain and the head file")
    static final class Verify implements Callable<Integer> {

        @Option(names = "--data-dir", description = "data directory (default: $TRIAGE_DATA_DIR or ./data)")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            Path data = (dataDir != null ? dataDir : Path.of(System.getenv().getOrDefault("TRIAGE_DATA_DIR", "./data")))
                    .toAbsolutePath().normalize();
            ChainVerifier verifier = new ChainVerifier();
            new AuditLog(dataSource(data)).readAll(verifier::accept);
            ChainVerifier.Verdict verdict = verifier.verdict(AuditTrail.lastHead(data.resolve("audit").resolve("chain-head.log")));
            if (verdict.intact()) {
                System.out.printf("audit chain intact: %d records, last hash %s%n", verdict.checked(), verdict.lastHash());
                return 0;
            }
            System.out.printf("audit chain BROKEN at sequence %d: %s (%d records read)%n",
                    verdict.firstBrokenSequence().orElse(-1L), verdict.problem(), verdict.checked());
            return 1;
        }

        /** The server's database: TRIAGE_DB_URL (PostgreSQL) or the embedded H2 file in the data directory. */
        static DataSource dataSource(Path data) {
            String url = System.getenv().getOrDefault("TRIAGE_DB_URL", "");
            if (url.startsWith("jdbc:postgresql:")) {
                PGSimpleDataSource postgres = new PGSimpleDataSource();
                postgres.setURL(url);
                postgres.setUser(System.getenv().getOrDefault("TRIAGE_DB_USER", ""));
                postgres.setPassword(System.getenv().getOrDefault("TRIAGE_DB_PASSWORD", ""));
                return postgres;
            }
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(DefaultDatabaseUrl.h2Url(data) + ";IFEXISTS=TRUE");
            h2.setUser(System.getenv().getOrDefault("TRIAGE_DB_USER", "sa"));
            h2.setPassword(System.getenv().getOrDefault("TRIAGE_DB_PASSWORD", ""));
            return h2;
        }
    }
}
