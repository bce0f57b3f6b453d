package org.cxrtriage.app.ingest;

import org.cxrtriage.compliance.AuditAction;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.dicom.store.InstanceCatalog;
import org.cxrtriage.dicom.store.SpooledInstance;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Records spooled instances and their studies in one transaction, committed before the C-STORE
 * response. A re-sent instance changes nothing. A new instance marks its study RECEIVING again,
 * which reopens a study that was already READY (the assembler then queues a superseding job).
 */
@Singleton
public final class JdbcInstanceCatalog implements InstanceCatalog {

    private static final String INSERT_STUDY_IF_ABSENT = """
            INSERT INTO study (study_instance_uid, status, instance_count, first_received_at, last_received_at)
            VALUES (?, 'RECEIVING', 0, ?, ?)
            ON CONFLICT DO NOTHING""";
    private static final String INSERT_INSTANCE_IF_ABSENT = """
            INSERT INTO instance (sop_instance_uid, sop_class_uid, series_instance_uid, study_instance_uid,
                                  transfer_syntax_uid, calling_ae_title, size_bytes, received_at, spool_path)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";
    private static final String TOUCH_STUDY = """
            UPDATE study
               SET status = 'RECEIVING', instance_count = instance_count + 1, last_received_at = ?
             WHERE study_instance_uid = ?""";

    private final DataSource dataSource;
    private final StorageConfig storage;
    private final AuditTrail audit;

    public JdbcInstanceCatalog(DataSource dataSource, StorageConfig storage, AuditTrail audit) {
        this.dataSource = dataSource;
        this.storage = storage;
        this.audit = audit;
    }

    @Override
    public boolean record(SpooledInstance instance) throws CatalogUnavailableException {
        OffsetDateTime receivedAt = instance.receivedAt().atOffset(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                boolean recorded = record(connection, instance, receivedAt);
                if (!recorded) {
                    connection.rollback();
                }
                audit.dicomPeer(connection, instance.callingAeTitle(), AuditAction.DICOM_STORE, instance.studyInstanceUid(),
                        (recorded ? "stored " : "re-sent, already stored ") + instance.sopInstanceUid());
                connection.commit();
                return recorded;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new CatalogUnavailableException("cannot record instance " + instance.sopInstanceUid() + ": "
                    + e.getMessage(), e);
        }
    }

    private boolean record(Connection connection, SpooledInstance instance, OffsetDateTime receivedAt)
            throws SQLException {
        try (PreparedStatement study = connection.prepareStatement(INSERT_STUDY_IF_ABSENT)) {
            study.setString(1, instance.studyInstanceUid());
            study.setObject(2, receivedAt);
            study.setObject(3, receivedAt);
            study.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_INSTANCE_IF_ABSENT)) {
            insert.setString(1, instance.sopInstanceUid());
            insert.setString(2, instance.sopClassUid());
            insert.setString(3, instance.seriesInstanceUid());
            insert.setString(4, instance.studyInstanceUid());
            insert.setString(5, instance.transferSyntaxUid());
            insert.setString(6, instance.callingAeTitle());
            insert.setLong(7, instance.sizeBytes());
            insert.setObject(8, receivedAt);
            insert.setString(9, storage.dataDir().relativize(instance.file().toAbsolutePath()).toString());
            if (insert.executeUpdate() == 0) {
                return false;
            }
        }
        try (PreparedStatement touch = connection.prepareStatement(TOUCH_STUDY)) {
            touch.setObject(1, receivedAt);
            touch.setString(2, instance.studyInstanceUid());
            touch.executeUpdate();
        }
        return true;
    }
}
