package org.cxrtriage.app.triage;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A study whose result cannot be stored is retried a bounded number of times and then listed as
 * "not scored: error" rather than disappearing. The failure is injected in PostgreSQL itself: a
 * trigger refuses every result except an error record.
 */
class RetryTest {

    @TempDir
    Path dir;

    @Test
    void afterTheLastAttemptTheStudyIsListedAsNotScoredWithTheError() throws Exception {
        try (TriageServer server = TriageServer.start(Database.POSTGRES, dir.resolve("data"),
                Map.of("triage.workers.max-attempts", 3))) {
            try (Connection connection = server.context().getBean(DataSource.class).getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("""
                        CREATE FUNCTION refuse_results() RETURNS trigger AS $$
                        BEGIN
                          IF NEW.reason IS NULL OR NEW.reason NOT LIKE 'error:%' THEN
                            RAISE EXCEPTION 'injected storage failure';
                          END IF;
                          RETURN NEW;
                        END $$ LANGUAGE plpgsql""");
                statement.execute("CREATE TRIGGER refuse BEFORE INSERT ON triage_result FOR EACH ROW EXECUTE FUNCTION refuse_results()");
            }
            PhantomIdentity study = PhantomIdentity.newStudy();
            Path file = dir.resolve("study.dcm");
            Transcoder.write(PhantomSpec.chestCr(study, 1).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
            assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1));

            server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?", study.studyInstanceUid());

            List<Object> item = server.query("SELECT business_status, reason FROM worklist_item WHERE study_instance_uid = ?",
                    study.studyInstanceUid()).get(0);
            assertEquals("error", item.get(0), "coded: not scored because triage failed");
            // The database's own message is not repeated (it can quote patient data); its SQLState is.
            assertEquals("error: database error (SQLState P0001)", item.get(1));
            List<Object> job = server.query("SELECT status, attempts FROM triage_job WHERE study_instance_uid = ?",
                    study.studyInstanceUid()).get(0);
            assertEquals("FAILED", job.get(0));
            assertEquals(3, ((Number) job.get(1)).intValue());
        }
    }
}
