package org.cxrtriage.compliance.chain;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Appends audit records to the chain in the database and reads them back in order. Appends lock
 * the single head row, so records from any number of threads or nodes get consecutive sequence
 * numbers and each links to the one before. Times are kept to the microsecond, which both
 * databases store exactly, so a record read back hashes as it did when written.
 */
public final class AuditLog {

    private final DataSource dataSource;

    public AuditLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Appends in a transaction of its own. */
    public AuditRecord append(AuditEntry entry) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                AuditRecord record = append(connection, entry);
                connection.commit();
                return record;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * Appends inside the caller's transaction (auto-commit off), so the record commits or rolls
     * back together with the action it describes. The caller commits.
     */
    public AuditRecord append(Connection connection, AuditEntry entry) throws SQLException {
        AuditEntry exact = new AuditEntry(entry.time().truncatedTo(ChronoUnit.MICROS), entry.actorType(), entry.actor(),
        entry.action(), entry.studyUid(), entry.resources(), entry.outcome(), entry.source(), entry.details());
        long sequence;
        String previous;
        try (PreparedStatement head = connection.prepareStatement(
                "SELECT sequence, hash FROM audit_head WHERE id = 1 FOR UPDATE");
             ResultSet row = head.executeQuery()) {
            row.next();
            sequence = row.getLong(1) + 1;
            previous = row.getString(2);
        }
        AuditRecord record = AuditRecord.chain(sequence, exact, previous);
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO audit_record (sequence, recorded_at, actor_type, actor, action, study_uid, resources,
                       outcome, source, details, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setLong(1, sequence);
            insert.setObject(2, exact.time().atOffset(ZoneOffset.UTC));
            insert.setString(3, exact.actorType());
            insert.setString(4, exact.actor());
            insert.setString(5, exact.action());
            insert.setString(6, exact.studyUid());
            insert.setString(7, exact.resources().isEmpty() ? null : String.join("\n", exact.resources()));
            insert.setString(8, exact.outcome());
            insert.setString(9, exact.source());
            insert.setString(10, exact.details());
            insert.setString(11, previous);
            insert.setString(12, record.hash());
            insert.executeUpdate();
        }
        try (PreparedStatement head = connection.prepareStatement(
                "UPDATE audit_head SET sequence = ?, hash = ? WHERE id = 1")) {
            head.setLong(1, sequence);
            head.setString(2, record.hash());
            head.executeUpdate();
        }
        return record;
    }

    /** Streams every record in sequence order to {@code sink}. */
    public void readAll(Consumer<AuditRecord> sink) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT sequence, recorded_at, actor_type, actor, action, study_uid, resources, outcome, source,
                            details, previous_hash, hash
                       FROM audit_record ORDER BY sequence""")) {
            select.setFetchSize(1000);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    String resources = row.getString(7);
                    List<String> list = resources == null ? List.of() : Arrays.asList(resources.split("\n"));
                    AuditEntry entry = new AuditEntry(row.getObject(2, OffsetDateTime.class).toInstant(), row.getString(3),
                            row.getString(4), row.getString(5), row.getString(6), list, row.getString(8), row.getString(9),
                            row.getString(10));
                    sink.accept(new AuditRecord(row.getLong(1), entry, row.getString(11).trim(), row.getString(12).trim()));
                }
            }
        }
    }
}
