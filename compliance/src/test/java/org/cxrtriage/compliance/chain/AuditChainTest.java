package org.cxrtriage.compliance.chain;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hash chain against a real database (H2 in PostgreSQL mode with the shipped migration):
 * an untouched log verifies; each kind of tampering done directly in the database is found and
 * the first broken sequence number named.
 */
class AuditChainTest {

    private JdbcDataSource database;
    private AuditLog log;
    private ChainHead head;

    @BeforeEach
    void twentyRecords() throws Exception {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
        try (var migration = AuditChainTest.class.getResourceAsStream("/db/migration/V3__audit.sql")) {
            execute(new String(migration.readAllBytes(), StandardCharsets.UTF_8));
        }
        log = new AuditLog(database);
        AuditRecord last = null;
        for (int i = 1; i <= 20; i++) {
            last = log.append(new AuditEntry(Instant.now(), i % 3 == 0 ? "AE" : "USER", i % 3 == 0 ? "PACS" : "dr.grey",
                    i % 2 == 0 ? "study.view" : "dicom.store", "1.2.3." + i, List.of("Task/1.2.3." + i), "SUCCESS",
                    "10.0.0." + i, "record " + i + " with a\nnew line"));
        }
        head = new ChainHead(last.sequence(), last.hash());
    }

    private ChainVerifier.Verdict verify() throws SQLException {
        ChainVerifier verifier = new ChainVerifier();
        log.readAll(verifier::accept);
        return verifier.verdict(Optional.of(head));
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            for (String part : sql.split(";")) {
                if (!part.replaceAll("(?m)^--.*$", "").isBlank()) {
                    statement.execute(part);
                }
            }
        }
    }

    @Test
    void anUntouchedLogVerifies() throws Exception {
        ChainVerifier.Verdict verdict = verify();
        assertTrue(verdict.intact(), verdict.problem());
        assertEquals(20, verdict.checked());
        assertEquals(head.hash(), verdict.lastHash());
    }

    @Test
    void aModifiedRecordIsNamed() throws Exception {
        execute("UPDATE audit_record SET actor = 'someone.else' WHERE sequence = 9");
        ChainVerifier.Verdict verdict = verify();
        assertEquals(Optional.of(9L), verdict.firstBrokenSequence());
        assertTrue(verdict.problem().contains("modified"), verdict.problem());
    }

    @Test
    void aDeletedRecordIsNamed() throws Exception {
        execute("DELETE FROM audit_record WHERE sequence = 7");
        assertEquals(Optional.of(7L), verify().firstBrokenSequence());
    }

    @Test
    void swappedRecordsAreFound() throws Exception {
        execute("UPDATE audit_record SET sequence = -5 WHERE sequence = 5");
        execute("UPDATE audit_record SET sequence = 5 WHERE sequence = 6");
        execute("UPDATE audit_record SET sequence = 6 WHERE sequence = -5");
        assertEquals(Optional.of(5L), verify().firstBrokenSequence());
    }

    @Test
    void anInsertedRecordIsFound() throws Exception {
        execute("UPDATE audit_record SET sequence = sequence + 1 WHERE sequence >= 12");
        execute("INSERT INTO audit_record SELECT 12, recorded_at, actor_type, 'intruder', action, study_uid, resources,"
                + " outcome, source, details, previous_hash, hash FROM audit_record WHERE sequence = 11");
        assertEquals(Optional.of(12L), verify().firstBrokenSequence());
    }

    @Test
    void aTruncatedTailIsFoundThroughTheHead() throws Exception {
        execute("DELETE FROM audit_record WHERE sequence > 17");
        ChainVerifier.Verdict verdict = verify();
        assertFalse(verdict.intact());
        assertEquals(Optional.of(18L), verdict.firstBrokenSequence());
        assertTrue(verdict.problem().contains("removed from the end"), verdict.problem());
    }

    @Test
    void aRewrittenChainStillDiffersFromTheHead() throws Exception {
        execute("DELETE FROM audit_record WHERE sequence = 20");
        ChainVerifier.Verdict verdict = verify();
        assertEquals(Optional.of(20L), verdict.firstBrokenSequence());
    }
}
