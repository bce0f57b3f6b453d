package org.cxrtriage.app.ingest;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.ServerProcess;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.Transcoder;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL the server while storescu pushes 100 instances: after a restart, every instance that
 * storescu saw acknowledged is in the spool and in the database exactly once, and its study gets
 * a triage job.
 */
class CrashSafetyTest {

    private static final int INSTANCES = 100;
    private static final int KILL_AFTER_ACKS = 40;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Database.class)
    void acknowledgedInstancesSurviveKill(Database database) throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> environment = new HashMap<>();
        EmbeddedPostgres postgres = null;
        if (database == Database.POSTGRES) {
            postgres = EmbeddedPostgres.builder().start();
            environment.put("TRIAGE_DB_URL", postgres.getJdbcUrl("postgres", "postgres"));
            environment.put("TRIAGE_DB_USER", "postgres");
            environment.put("TRIAGE_DB_PASSWORD", "postgres");
        }
        try {
            Map<String, String> sopByFile = writeInstances();
            Path log = dir.resolve("server.log");

            ServerProcess first = ServerProcess.start(data, environment, log);
            List<String> acknowledged = pushAndKillMidway(first, sopByFile);
            assertTrue(acknowledged.size() >= KILL_AFTER_ACKS && acknowledged.size() < INSTANCES,
                    "the kill must land mid-push, acknowledged " + acknowledged.size());

            // Restart, give assembly time to queue jobs (quiet period 1 s), stop, then look: H2 is a
            // single-process database, so the file is read after the server has closed it.
            try (ServerProcess second = ServerProcess.start(data, environment, log)) {
                Thread.sleep(6_000);
            }
            DataSource db = dataSource(database, data, postgres);
            Set<String> studies = new HashSet<>();
            for (String sop : acknowledged) {
                List<String> studyOfSop = studiesOf(db, sop);
                assertEquals(1, studyOfSop.size(), "instance " + sop + " recorded exactly once");
                Path file = data.resolve("spool").resolve(studyOfSop.get(0)).resolve(sop + ".dcm");
                assertTrue(Files.size(file) > 100_000, "spool file of " + sop);
                studies.addAll(studyOfSop);
            }
            assertTrue(studiesWithJobs(db).containsAll(studies), "every study with an acknowledged instance has a job");
            try (var incoming = Files.list(data.resolve("spool").resolve(".incoming"))) {
                assertEquals(0, incoming.count(), "partial files cleared at restart");
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    /** 100 instances in 10 studies; returns SOP Instance UID by file path. */
    private Map<String, String> writeInstances() throws Exception {
        Map<String, String> sopByFile = new java.util.LinkedHashMap<>();
        Path folder = Files.createDirectories(dir.resolve("push"));
        for (int s = 0; s < 10; s++) {
            PhantomIdentity identity = PhantomIdentity.newStudy();
            for (int i = 0; i < INSTANCES / 10; i++) {
                Path file = folder.resolve(String.format("%03d.dcm", s * 10 + i));
                Transcoder.write(IngestTest.phantom(identity, 12), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
                sopByFile.put(file.toString(), identity.sopInstanceUid());
                identity = identity.nextInstance();
            }
        }
        return sopByFile;
    }

    /** Runs storescu, kills the server after enough acknowledgements, returns the acknowledged SOPs. */
    private List<String> pushAndKillMidway(ServerProcess server, Map<String, String> sopByFile) throws Exception {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-aec", "CXRTRIAGE", "-aet", "PACS",
                "127.0.0.1", Integer.toString(server.dicomPort())));
        command.addAll(sopByFile.keySet());
        Process storescu = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> acknowledged = new ArrayList<>();
        String currentFile = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(storescu.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.contains("Sending file: ")) {
                    currentFile = line.substring(line.indexOf("Sending file: ") + 14).trim();
                } else if (line.contains("Received Store Response (Success)") && currentFile != null) {
                    acknowledged.add(sopByFile.get(currentFile));
                    if (acknowledged.size() == KILL_AFTER_ACKS) {
                        server.kill();
                    }
                }
            }
        }
        storescu.waitFor(60, TimeUnit.SECONDS);
        return acknowledged;
    }

    private static List<String> studiesOf(DataSource dataSource, String sop) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT study_instance_uid FROM instance WHERE sop_instance_uid = ?")) {
            select.setString(1, sop);
            List<String> studies = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    studies.add(rows.getString(1));
                }
            }
            return studies;
        }
    }

    private static Set<String> studiesWithJobs(DataSource dataSource) throws Exception {
        Set<String> studies = new HashSet<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT DISTINCT study_instance_uid FROM triage_job")) {
            while (rows.next()) {
                studies.add(rows.getString(1));
            }
        }
        return studies;
    }

    private static DataSource dataSource(Database database, Path data, EmbeddedPostgres postgres) {
        if (database == Database.POSTGRES) {
            return postgres.getPostgresDatabase();
        }
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(org.cxrtriage.app.config.DefaultDatabaseUrl.h2Url(data));
        h2.setUser("sa");
        return h2;
    }
}
