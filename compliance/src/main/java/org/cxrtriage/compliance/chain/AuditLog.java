package org.cxrtriage.compliance.chain;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Appends audit records to the chain in the database and reads them back in order: all of them,
 * a time range, one study's, or a page of a search by agent and entity. Appends lock the single
 * head row, so records from any number of threads or nodes get consecutive sequence numbers and
 * each links to the one before. Times are kept to the microsecond, which both databases store
 * exactly, so a record read back hashes as it did when written. The SQL runs unchanged on
 * PostgreSQL and on H2 in PostgreSQL mode.
 */
public final class AuditLog {

    private static final String COLUMNS = """
            sequence, recorded_at, actor_type, actor, action, study_uid, resources, outcome, source, details,
            previous_hash, hash, canonical_format""";

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
     * Appends several entries in one transaction, in the given order: the head row is locked once,
     * each entry chained after the one before, the head moved once. This is how concurrent writers
     * share one commit (group commit) instead of queueing on the head row one by one.
     */
    public List<AuditRecord> appendAll(List<AuditEntry> entries) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<AuditRecord> records = new ArrayList<>(entries.size());
                for (AuditEntry entry : entries) {
                    records.add(append(connection, entry));
                }
                connection.commit();
                return records;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * Appends inside the caller's transaction (auto-commit off), so the record commits or rolls
     * back together with the action it describes. The caller commits. The entry is stored
     * {@linkplain AuditEntry#bounded() bounded}: no value, however long or strange, makes the
     * append fail; the returned record holds what was stored and hashed.
     */
    public AuditRecord append(Connection connection, AuditEntry entry) throws SQLException {
        AuditEntry bounded = entry.bounded();
        AuditEntry exact = new AuditEntry(bounded.time().truncatedTo(ChronoUnit.MICROS), bounded.actorType(),
                bounded.actor(), bounded.action(), bounded.studyUid(), bounded.resources(), bounded.outcome(),
                bounded.source(), bounded.details());
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
                       outcome, source, details, previous_hash, hash, canonical_format)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setLong(1, sequence);
            insert.setObject(2, exact.time().atOffset(ZoneOffset.UTC));
            insert.setString(3, exact.actorType());
            insert.setString(4, exact.actor());
            insert.setString(5, exact.action());
            insert.setString(6, exact.studyUid());
            insert.setString(7, ResourceColumn.encode(exact.resources(), record.format()));
            insert.setString(8, exact.outcome());
            insert.setString(9, exact.source());
            insert.setString(10, exact.details());
            insert.setString(11, previous);
            insert.setString(12, record.hash());
            insert.setInt(13, record.format());
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

    /** The chain's head as the database has it: sequence 0 and the genesis hash before the first append. */
    public ChainHead head() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT sequence, hash FROM audit_head WHERE id = 1");
             ResultSet row = select.executeQuery()) {
            row.next();
            return new ChainHead(row.getLong(1), row.getString(2).trim());
        }
    }

    /** Streams every record in sequence order to {@code sink}. */
    public void readAll(Consumer<AuditRecord> sink) throws SQLException {
        stream(AuditQuery.all(), sink);
    }

    /**
     * Streams the records that match {@code query}, in sequence order, without holding them all in
     * memory. An entity matches a record when it is one of the record's resources, or names the
     * record's study: a bare study instance UID or "ImagingStudy/&lt;uid&gt;" matches both the study
     * column and that ImagingStudy among the resources.
     */
    public void stream(AuditQuery query, Consumer<AuditRecord> sink) throws SQLException {
        Filter filter = Filter.of(query);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false); // PostgreSQL fetches in batches only inside a transaction
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT " + COLUMNS + " FROM audit_record" + filter.where() + " ORDER BY sequence")) {
                filter.bind(select, 1);
                select.setFetchSize(1000);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        sink.accept(record(row));
                    }
                }
            } finally {
                connection.rollback();
            }
        }
    }

    /** The record with this sequence number, if there is one. */
    public Optional<AuditRecord> read(long sequence) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM audit_record WHERE sequence = ?")) {
            select.setLong(1, sequence);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(record(row)) : Optional.empty();
            }
        }
    }

    /** One page of the records that match {@code query}, in sequence order (see {@link #stream}). */
    public List<AuditRecord> search(AuditQuery query, long offset, int limit) throws SQLException {
        Filter filter = Filter.of(query);
        List<AuditRecord> page = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM audit_record" + filter.where() + " ORDER BY sequence LIMIT ? OFFSET ?")) {
            int next = filter.bind(select, 1);
            select.setInt(next, limit);
            select.setLong(next + 1, offset);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    page.add(record(row));
                }
            }
        }
        return page;
    }

    /** How many records match {@code query}. */
    public long count(AuditQuery query) throws SQLException {
        Filter filter = Filter.of(query);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM audit_record" + filter.where())) {
            filter.bind(select, 1);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** Every record about one study, in sequence order: its compliance timeline. */
    public List<AuditRecord> study(String studyUid) throws SQLException {
        List<AuditRecord> timeline = new ArrayList<>();
        stream(AuditQuery.all().withEntity(studyUid), timeline::add);
        return timeline;
    }

    private static AuditRecord record(ResultSet row) throws SQLException {
        int format = row.getInt(13);
        AuditEntry entry = new AuditEntry(row.getObject(2, OffsetDateTime.class).toInstant(), row.getString(3),
                row.getString(4), row.getString(5), row.getString(6), ResourceColumn.decode(row.getString(7), format),
                row.getString(8), row.getString(9), row.getString(10));
        return new AuditRecord(row.getLong(1), entry, row.getString(11).trim(), row.getString(12).trim(), format);
    }

    /**
     * A query as SQL conditions, in a form both PostgreSQL and H2 (PostgreSQL mode) run. "One of the
     * resources is R": for format 2 (a JSON array) the array's inside, wrapped in commas, holds
     * {@code ,"R",} (see {@link ResourceColumn#elementToken}); for format 1 (joined by newlines) it is
     * "newline + R + newline occurs in newline + resources + newline".
     */
    private record Filter(List<String> conditions, List<Object> values) {

        private static final String STUDY = "ImagingStudy/";

        static Filter of(AuditQuery query) {
            Filter filter = new Filter(new ArrayList<>(), new ArrayList<>());
            if (query.from() != null) {
                filter.add("recorded_at >= ?", query.from().atOffset(ZoneOffset.UTC));
            }
            if (query.to() != null) {
                filter.add("recorded_at < ?", query.to().atOffset(ZoneOffset.UTC));
            }
            if (query.actor() != null) {
                filter.add("actor = ?", AuditText.clean(query.actor(), AuditEntry.ACTOR));
            }
            if (query.throughSequence() != null) {
                filter.add("sequence <= ?", query.throughSequence());
            }
            if (query.entity() != null) {
                // Stored values were cleaned (AuditEntry.bounded); the searched one must be too.
                String entity = AuditText.clean(query.entity(), AuditEntry.RESOURCE);
                String resource = entity.contains("/") ? entity : STUDY + entity;
                String resourceMatch = "((canonical_format = 1 AND POSITION(? IN CONCAT(CHR(10), resources, CHR(10))) > 0)"
                        + " OR (canonical_format = 2 AND POSITION(? IN CONCAT(',', SUBSTR(resources, 2, LENGTH(resources) - 2),"
                        + " ',')) > 0))";
                if (resource.startsWith(STUDY)) {
                    filter.add("(study_uid = ? OR " + resourceMatch + ")",
                            AuditText.clean(resource.substring(STUDY.length()), AuditEntry.STUDY),
                            "\n" + resource + "\n", ResourceColumn.elementToken(resource));
                } else {
                    filter.add(resourceMatch, "\n" + resource + "\n", ResourceColumn.elementToken(resource));
                }
            }
            return filter;
        }

        private void add(String condition, Object... boundValues) {
            conditions.add(condition);
            values.addAll(Arrays.asList(boundValues));
        }

        String where() {
            return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        }

        /** Binds the values from parameter {@code first} on; returns the next free parameter index. */
        int bind(PreparedStatement statement, int first) throws SQLException {
            int index = first;
            for (Object value : values) {
                statement.setObject(index++, value);
            }
            return index;
        }
    }
}
