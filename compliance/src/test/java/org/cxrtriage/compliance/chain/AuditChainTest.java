package org.cxrtriage.compliance.chain;

import org.cxrtriage.compliance.support.Database;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hash chain against real databases (H2 in PostgreSQL mode and PostgreSQL, migrated by
 * Flyway): an untouched log verifies; each kind of tampering, done directly in the database by
 * someone who first takes the append-only triggers away, is found and the first broken sequence
 * number named.
 */
class AuditChainTest {

    private Database database;
    private DataSource dataSource;
    private AuditLog log;
    private ChainHead head;

    private void twentyRecords(Database database) throws SQLException {
        this.database = database;
        dataSource = database.fresh();
        log = new AuditLog(dataSource);
        AuditRecord last = null;
        for (int i = 1; i <= 20; i++) {
            last = log.append(new AuditEntry(Instant.now(), i % 3 == 0 ? "AE" : "USER", i % 3 == 0 ? "PACS" : "dr.grey",
                    i % 2 == 0 ? "study.view" : "dicom.store", "1.2.3." + i, List.of("Task/1.2.3." + i), "SUCCESS",
                    "10.0.0." + i, "record " + i + " with a\nnew line"));
        }
        head = new ChainHead(last.sequence(), last.hash());
    }

    /** Verifies against the head as last copied out of the database (the head file). */
    private ChainVerifier.Verdict verify() throws SQLException {
        ChainVerifier verifier = new ChainVerifier();
        log.readAll(verifier::accept);
        return verifier.verdict(Optional.of(head));
    }

    private void tamper(String sql) throws SQLException {
        database.removeAppendOnlyGuards(dataSource);
        Database.execute(dataSource, sql);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anUntouchedLogVerifies(Database database) throws Exception {
        twentyRecords(database);
        ChainVerifier.Verdict verdict = verify();
        assertTrue(verdict.intact(), verdict.problem());
        assertEquals(20, verdict.checked());
        assertEquals(head.hash(), verdict.lastHash());
        assertEquals(head, log.head());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aModifiedRecordIsNamed(Database database) throws Exception {
        twentyRecords(database);
        tamper("UPDATE audit_record SET actor = 'someone.else' WHERE sequence = 9");
        ChainVerifier.Verdict verdict = verify();
        assertEquals(Optional.of(9L), verdict.firstBrokenSequence());
        assertTrue(verdict.problem().contains("modified"), verdict.problem());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aDeletedRecordIsNamed(Database database) throws Exception {
        twentyRecords(database);
        tamper("DELETE FROM audit_record WHERE sequence = 7");
        assertEquals(Optional.of(7L), verify().firstBrokenSequence());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void swappedRecordsAreFound(Database database) throws Exception {
        twentyRecords(database);
        tamper("UPDATE audit_record SET sequence = -5 WHERE sequence = 5;"
                + "UPDATE audit_record SET sequence = 5 WHERE sequence = 6;"
                + "UPDATE audit_record SET sequence = 6 WHERE sequence = -5");
        assertEquals(Optional.of(5L), verify().firstBrokenSequence());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anInsertedRecordIsFound(Database database) throws Exception {
        twentyRecords(database);
        // in two steps: PostgreSQL checks the primary key row by row
        tamper("UPDATE audit_record SET sequence = -(sequence + 1) WHERE sequence >= 12;"
                + "UPDATE audit_record SET sequence = -sequence WHERE sequence < 0;"
                + "INSERT INTO audit_record SELECT 12, recorded_at, actor_type, 'intruder', action, study_uid, resources,"
                + " outcome, source, details, previous_hash, hash, canonical_format FROM audit_record WHERE sequence = 11");
        assertEquals(Optional.of(12L), verify().firstBrokenSequence());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aTruncatedTailIsFoundThroughTheHead(Database database) throws Exception {
        twentyRecords(database);
        tamper("DELETE FROM audit_record WHERE sequence > 17");
        ChainVerifier.Verdict verdict = verify();
        assertFalse(verdict.intact());
        assertEquals(Optional.of(18L), verdict.firstBrokenSequence());
        assertTrue(verdict.problem().contains("removed from the end"), verdict.problem());

        ChainVerifier againstDatabaseHead = new ChainVerifier();
        log.readAll(againstDatabaseHead::accept);
        assertEquals(Optional.of(18L), againstDatabaseHead.verdict(Optional.of(log.head())).firstBrokenSequence());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aTruncatedTableIsFoundThroughTheDatabaseHead(Database database) throws Exception {
        twentyRecords(database);
        tamper("TRUNCATE TABLE audit_record");
        ChainVerifier verifier = new ChainVerifier();
        log.readAll(verifier::accept);
        ChainVerifier.Verdict verdict = verifier.verdict(Optional.of(log.head()));
        assertEquals(Optional.of(1L), verdict.firstBrokenSequence());
        assertTrue(verdict.problem().contains("removed from the end"), verdict.problem());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aRewrittenChainStillDiffersFromTheHead(Database database) throws Exception {
        twentyRecords(database);
        tamper("DELETE FROM audit_record WHERE sequence = 20");
        ChainVerifier.Verdict verdict = verify();
        assertEquals(Optional.of(20L), verdict.firstBrokenSequence());
    }
}
