package org.cxrtriage.app.ingest;

import org.cxrtriage.dicom.store.InstanceKind;
import org.cxrtriage.dicom.store.SpooledInstance;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The {@code instance} table's writes for ingest. One row per SOP Instance UID: inserted when the
 * instance is new, replaced by a changed re-send. An instance that is not kept has no spool path
 * and its pixels count as deleted at receipt, so retention leaves it alone.
 */
final class InstanceRows {

    /** The current row of an instance, locked for the caller's transaction. */
    record Current(String studyInstanceUid, String contentSha256, InstanceKind kind) {
    }

    /** Value of {@code patient_identity} for an instance without Patient ID. */
    static final String ABSENT_IDENTITY = "absent";

    private static final String COLUMNS = """
            sop_class_uid = ?, series_instance_uid = ?, study_instance_uid = ?, transfer_syntax_uid = ?,
            calling_ae_title = ?, size_bytes = ?, received_at = ?, spool_path = ?, pixels_deleted_at = ?, kind = ?,
            content_sha256 = ?, lossy_compression = ?, patient_identity = ?""";
    private static final String INSERT_IF_ABSENT = """
            INSERT INTO instance (sop_class_uid, series_instance_uid, study_instance_uid, transfer_syntax_uid,
                                  calling_ae_title, size_bytes, received_at, spool_path, pixels_deleted_at, kind,
                                  content_sha256, lossy_compression, patient_identity, sop_instance_uid)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";
    private static final String REPLACE = "UPDATE instance SET " + COLUMNS + ", corrected_at = ? WHERE sop_instance_uid = ?";

    private final Path dataDir;

    InstanceRows(Path dataDir) {
        this.dataDir = dataDir;
    }

    static Optional<Current> lockCurrent(Connection connection, String sopInstanceUid) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT study_instance_uid, content_sha256, kind FROM instance WHERE sop_instance_uid = ? FOR UPDATE")) {
            select.setString(1, sopInstanceUid);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new Current(row.getString(1), row.getString(2),
                        InstanceKind.valueOf(row.getString(3)))) : Optional.empty();
            }
        }
    }

    /** Inserts the row; false when another transaction recorded the SOP Instance UID first. */
    boolean insert(Connection connection, SpooledInstance instance, String identity, OffsetDateTime at) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_IF_ABSENT)) {
            int next = bindColumns(insert, instance, identity, at);
            insert.setString(next, instance.sopInstanceUid());
            return insert.executeUpdate() == 1;
        }
    }

    /** Replaces the row with a changed re-send, noting when the correction arrived. */
    void replace(Connection connection, SpooledInstance instance, String identity, OffsetDateTime at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(REPLACE)) {
            int next = bindColumns(update, instance, identity, at);
            update.setObject(next, at);
            update.setString(next + 1, instance.sopInstanceUid());
            update.executeUpdate();
        }
    }

    private int bindColumns(PreparedStatement statement, SpooledInstance instance, String identity, OffsetDateTime at)
            throws SQLException {
        statement.setString(1, instance.sopClassUid());
        statement.setString(2, instance.seriesInstanceUid());
        statement.setString(3, instance.studyInstanceUid());
        statement.setString(4, instance.transferSyntaxUid());
        statement.setString(5, instance.callingAeTitle());
        statement.setLong(6, instance.sizeBytes());
        statement.setObject(7, at);
        if (instance.kept()) {
            statement.setString(8, dataDir.relativize(instance.file().toAbsolutePath()).toString());
            statement.setNull(9, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setNull(8, Types.VARCHAR);
            statement.setObject(9, at);
        }
        statement.setString(10, instance.kind().name());
        statement.setString(11, instance.contentSha256());
        statement.setBoolean(12, instance.lossyCompression());
        statement.setString(13, identity == null ? ABSENT_IDENTITY : identity);
        return 14;
    }
}
