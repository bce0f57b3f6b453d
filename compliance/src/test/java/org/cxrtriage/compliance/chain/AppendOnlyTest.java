package org.cxrtriage.compliance.chain;

import org.cxrtriage.compliance.support.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Migration V4 on both databases: the application's connection cannot update, delete or (on
 * PostgreSQL) truncate audit records, nor move the head anywhere but one record forward; it says
 * the log is append-only; appending goes on working and the chain stays intact.
 */
class AppendOnlyTest {

    private static AuditLog threeRecords(DataSource dataSource) throws SQLException {
        AuditLog log = new AuditLog(dataSource);
        for (int i = 1; i <= 3; i++) {
            log.append(new AuditEntry(Instant.now(), "USER", "dr.grey", "study.view", "1.2.3." + i,
                    List.of("ImagingStudy/1.2.3." + i), "SUCCESS", "10.0.0.1", null));
        }
        return log;
    }

    static Stream<Arguments> changesTheApplicationMayNotMake() {
        return Arrays.stream(Database.values()).flatMap(database -> Stream.of(
                "UPDATE audit_record SET actor = 'someone.else' WHERE sequence = 2",
                "UPDATE audit_record SET sequence = 7 WHERE sequence = 3",
                "DELETE FROM audit_record WHERE sequence = 3",
                "DELETE FROM audit_record",
                "UPDATE audit_head SET sequence = 2 WHERE id = 1",
                "UPDATE audit_head SET sequence = 4 WHERE id = 1",
                "UPDATE audit_head SET hash = '" + "0".repeat(64) + "' WHERE id = 1",
                "DELETE FROM audit_head").map(sql -> Arguments.of(database, sql)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("changesTheApplicationMayNotMake")
    void theAuditTablesRefuseChanges(Database database, String sql) throws Exception {
        DataSource dataSource = database.fresh();
        AuditLog log = threeRecords(dataSource);
        ChainHead before = log.head();

        SQLException refused = assertThrows(SQLException.class, () -> Database.execute(dataSource, sql));
        assertTrue(refused.getMessage().contains(H2AppendOnlyTrigger.APPEND_ONLY), refused.getMessage());
        assertEquals("42501", refused.getSQLState(), "insufficient privilege");
        assertEquals(before, log.head());
        assertEquals(3, log.count(AuditQuery.all()));
    }

    @Test
    void postgresRefusesTruncation() throws Exception {
        DataSource dataSource = Database.POSTGRES.fresh();
        AuditLog log = threeRecords(dataSource);
        for (String table : List.of("audit_record", "audit_head")) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> Database.execute(dataSource, "TRUNCATE TABLE " + table));
            assertTrue(refused.getMessage().contains(H2AppendOnlyTrigger.APPEND_ONLY), refused.getMessage());
        }
        assertEquals(3, log.count(AuditQuery.all()));
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void appendingGoesOnAndTheChainStaysIntact(Database database) throws Exception {
        DataSource dataSource = database.fresh();
        AuditLog log = threeRecords(dataSource);
        assertThrows(SQLException.class, () -> Database.execute(dataSource, "DELETE FROM audit_record WHERE sequence = 1"));
        List<String> manyResources = Collections.nCopies(400, "Task/1.2.826.0.1.3680043.8.498.12345"); // ~15,000 characters
        AuditRecord wide = log.append(new AuditEntry(Instant.now(), "USER", "dr.grey", "fhir.search", null, manyResources,
                "SUCCESS", "10.0.0.1", "GET /fhir/Task?_count=400"));

        ChainVerifier verifier = new ChainVerifier();
        log.readAll(verifier::accept);
        ChainVerifier.Verdict verdict = verifier.verdict(Optional.of(log.head()));
        assertTrue(verdict.intact(), verdict.problem());
        assertEquals(4, verdict.checked());
        assertEquals(new ChainHead(4, wide.hash()), log.head());
    }
}
