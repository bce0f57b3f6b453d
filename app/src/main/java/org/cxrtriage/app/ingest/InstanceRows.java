package org.cxrtriage.app.ingest;

import org.cxrtriage.app.db.Sql;
import org.cxrtriage.dicom.store.StudySpool;

import org.cxrtriage.dicom.store.InstanceKind;
import org.cxrtriage.dicom.store.SpooledInstance;

import java.sql.Connection;
import java.sql.SQLException;
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

    private final StudySpool spool;

    InstanceRows(StudySpool spool) {
        this.spool = spool;
    }

    static Optional<Current> lockCurrent(Connection connection, String sopInstanceUid) throws SQLException {
        return Sql.queryOne(connection, "SELECT study_instance_uid, content_sha256, kind FROM instance"
                + " WHERE sop_instance_uid = ? FOR UPDATE", row -> new Current(row.getString(1), row.getString(2),
                InstanceKind.valueOf(row.getString(3))), sopInstanceUid);
    }

    /** Inserts the row; false when another transaction recorded the SOP Instance UID first. */
    boolean insert(Connection connection, SpooledInstance instance, String identity, OffsetDateTime at) throws SQLException {
        return Sql.update(connection, INSERT_IF_ABSENT, columns(instance, identity, at, instance.sopInstanceUid())) == 1;
    }

    /** Replaces the row with a changed re-send, noting when the correction arrived. */
    void replace(Connection connection, SpooledInstance instance, String identity, OffsetDateTime at) throws SQLException {
        Sql.update(connection, REPLACE, columns(instance, identity, at, at, instance.sopInstanceUid()));
    }

    /** The values of {@link #COLUMNS} in order, then {@code more}. The spool names the file. */
    private Object[] columns(SpooledInstance instance, String identity, OffsetDateTime at, Object... more) {
        Object[] values = {instance.sopClassUid(), instance.seriesInstanceUid(), instance.studyInstanceUid(),
                instance.transferSyntaxUid(), instance.callingAeTitle(), instance.sizeBytes(), at,
                instance.kept() ? spool.relativePath(instance.studyInstanceUid(), instance.sopInstanceUid()) : null,
                instance.kept() ? null : at, instance.kind().name(), instance.contentSha256(), instance.lossyCompression(),
                identity == null ? ABSENT_IDENTITY : identity};
        Object[] all = java.util.Arrays.copyOf(values, values.length + more.length);
        System.arraycopy(more, 0, all, values.length, more.length);
        return all;
    }
}
