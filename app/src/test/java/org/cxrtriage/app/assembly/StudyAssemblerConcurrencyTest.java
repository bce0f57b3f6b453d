package org.cxrtriage.app.assembly;

import org.cxrtriage.app.config.AssemblyConfig;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two assemblers (as on two nodes) claim the same quiet studies at the same moment: each study
 * gets exactly one job, and neither assembler fails. Proves FOR UPDATE SKIP LOCKED on both
 * databases.
 */
class StudyAssemblerConcurrencyTest {

    private static final int STUDIES = 50;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Database.class)
    void concurrentAssemblersQueueEachStudyOnce(Database database) throws Exception {
        try (TriageServer server = TriageServer.start(database, dir.resolve("data"),
                Map.of("triage.assembly.poll-interval", "1h"))) {
            DataSource dataSource = server.context().getBean(DataSource.class);
            insertQuietStudies(dataSource);
            AssemblyConfig config = new AssemblyConfig(Duration.ofSeconds(1), Duration.ofHours(1));
            StudyAssembler nodeA = new StudyAssembler(new org.cxrtriage.app.db.Sql(dataSource), config);
            StudyAssembler nodeB = new StudyAssembler(new org.cxrtriage.app.db.Sql(dataSource), config);

            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Integer>> results = new ArrayList<>();
            for (StudyAssembler node : List.of(nodeA, nodeB, nodeA, nodeB)) {
                Callable<Integer> round = () -> {
                    start.await();
                    int total = 0;
                    for (int i = 0; i < 10; i++) {
                        total += node.assembleQuietStudies(Instant.now());
                    }
                    return total;
                };
                results.add(pool.submit(round));
            }
            start.countDown();
            int queued = 0;
            for (Future<Integer> result : results) {
                queued += result.get();
            }
            pool.shutdown();

            assertEquals(STUDIES, queued, "studies claimed across all rounds");
            assertEquals(STUDIES, server.count("SELECT COUNT(*) FROM triage_job"));
            assertEquals(STUDIES, server.count("SELECT COUNT(DISTINCT study_instance_uid) FROM triage_job"));
            assertEquals(0, server.count("SELECT COUNT(*) FROM study WHERE status <> 'READY'"));
        }
    }

    private static void insertQuietStudies(DataSource dataSource) throws Exception {
        OffsetDateTime longAgo = Instant.now().minusSeconds(60).atOffset(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO study (study_instance_uid, status,"
                     + " instance_count, first_received_at, last_received_at) VALUES (?, 'RECEIVING', 1, ?, ?)")) {
            for (int i = 0; i < STUDIES; i++) {
                insert.setString(1, "1.2.3." + i);
                insert.setObject(2, longAgo);
                insert.setObject(3, longAgo);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
