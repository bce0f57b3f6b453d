package org.cxrtriage.app.triage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.cxrtriage.app.support.ServerProcess;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two server processes share one PostgreSQL database and one data directory, as two nodes behind
 * a load balancer. 50 studies are pushed, half to each; one node is killed mid-run. The other
 * finishes every job (those the dead node held, once their leases expire), and no study is lost
 * or scored twice.
 */
class TwoNodesTest {

    private static final int STUDIES = 50;

    @TempDir
    Path dir;

    @Test
    void twoNodesShareTheWorkAndOneFinishesWhatTheOtherLeft() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            Map<String, String> environment = Map.of(
                    "TRIAGE_DB_URL", postgres.getJdbcUrl("postgres", "postgres"),
                    "TRIAGE_DB_USER", "postgres", "TRIAGE_DB_PASSWORD", "postgres",
                    "TRIAGE_JOB_LEASE", "4s");
            Path data = dir.resolve("shared-data");
            Path log = dir.resolve("nodes.log");
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < STUDIES; i++) {
                Path file = dir.resolve("study-" + i + ".dcm");
                Transcoder.write(PhantomSpec.chestCr(PhantomIdentity.newStudy(), i).withSize(256, 256),
                        Encoding.EXPLICIT_LITTLE_ENDIAN, file);
                files.add(file);
            }
            try (ServerProcess nodeA = ServerProcess.start(data, environment, log)) {
                ServerProcess nodeB = ServerProcess.start(data, environment, log);
                CompletableFuture<Dcmtk.StoreRun> toA = CompletableFuture.supplyAsync(() -> push(nodeA, files.subList(0, 25)));
                CompletableFuture<Dcmtk.StoreRun> toB = CompletableFuture.supplyAsync(() -> push(nodeB, files.subList(25, 50)));
                assertTrue(toA.get().allSucceeded(25), toA.get().output());
                assertTrue(toB.get().allSucceeded(25), toB.get().output());

                DataSource database = postgres.getPostgresDatabase();
                String ownerB = workerOwners(log).get(1);
                awaitCount(database, "SELECT COUNT(*) FROM triage_job WHERE status = 'RUNNING' AND lease_owner = '"
                        + ownerB + "'", 1);
                nodeB.kill();
                long orphaned = count(database, "SELECT COUNT(*) FROM triage_job WHERE status = 'RUNNING' AND lease_owner = '"
                        + ownerB + "'");
                assertTrue(orphaned >= 1, "node B was killed holding a job");

                awaitCount(database, "SELECT COUNT(*) FROM triage_job WHERE status = 'DONE'", STUDIES);

                assertEquals(STUDIES, count(database, "SELECT COUNT(*) FROM instance"), "no instance lost");
                assertEquals(STUDIES, count(database, "SELECT COUNT(*) FROM worklist_item"), "no study lost");
                assertEquals(STUDIES, count(database, "SELECT COUNT(*) FROM triage_result WHERE shadow = FALSE"),
                        "no study scored twice (" + orphaned + " job(s) were held by the killed node)");
                assertEquals(STUDIES, count(database, "SELECT COUNT(DISTINCT study_instance_uid) FROM triage_result"));
                assertEquals(0, count(database, "SELECT COUNT(*) FROM triage_job WHERE status <> 'DONE'"));
                assertTrue(count(database, "SELECT COUNT(*) FROM triage_job WHERE attempts >= 2") >= orphaned,
                        "the jobs node B held were taken over after their leases expired");
            }
        }
    }

    /** The worker owner names the nodes logged at start, in start order. */
    private static List<String> workerOwners(Path log) throws Exception {
        List<String> owners = new ArrayList<>();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("triage worker\\(s\\) started as (\\S+)")
                .matcher(Files.readString(log));
        while (matcher.find()) {
            owners.add(matcher.group(1));
        }
        assertEquals(2, owners.size(), "both nodes logged their worker name");
        return owners;
    }

    private static Dcmtk.StoreRun push(ServerProcess node, List<Path> files) {
        try {
            return Dcmtk.store(node.dicomPort(), "CXRTRIAGE", "PACS", files);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitCount(DataSource database, String sql, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long actual = 0;
        while (System.nanoTime() < deadline) {
            actual = count(database, sql);
            if (actual >= expected) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(sql + " reached " + actual + ", expected " + expected);
    }

    private static long count(DataSource database, String sql) throws Exception {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
