package org.cxrtriage.app.ingest;

import org.cxrtriage.app.db.Sql;
import org.cxrtriage.dicom.store.StudySpool;

import org.cxrtriage.compliance.AuditAction;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.patient.PatientIdentity;
import org.cxrtriage.dicom.store.InstanceCatalog;
import org.cxrtriage.dicom.store.InstanceKind;
import org.cxrtriage.dicom.store.Receipt;
import org.cxrtriage.dicom.store.SpooledInstance;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Records received instances and their studies in one transaction, committed with its audit
 * record before the C-STORE response. What happens per receipt:
 * <ul>
 *   <li>new: the row is inserted; a radiograph marks its study RECEIVING (reopening a READY study,
 *       so the assembler queues a superseding job); other objects only count in;</li>
 *   <li>identical re-send (same content SHA-256): nothing changes but the audit record;</li>
 *   <li>changed re-send: a correction. The row is replaced, the study is reopened like a late
 *       instance (a new revision is triaged) when the old or the new copy is a radiograph, and
 *       the audit record says "corrected re-send of &lt;SOP UID&gt;".</li>
 * </ul>
 * Afterwards the study's patient identity flag is recomputed; raising or clearing it is audited.
 * Instances of one study are recorded one at a time (the study row is locked).
 */
@Singleton
public final class JdbcInstanceCatalog implements InstanceCatalog {

    private final Sql sql;
    private final AuditTrail audit;
    private final PatientIdentity patientIdentity;
    private final InstanceRows instances;

    public JdbcInstanceCatalog(Sql sql, StudySpool spool, AuditTrail audit, PatientIdentity patientIdentity) {
        this.sql = sql;
        this.audit = audit;
        this.patientIdentity = patientIdentity;
        this.instances = new InstanceRows(spool);
    }

    @Override
    public Optional<Recorded> recorded(String sopInstanceUid) throws CatalogUnavailableException {
        try {
            return sql.queryOne("SELECT study_instance_uid, content_sha256 FROM instance WHERE sop_instance_uid = ?",
                    row -> new Recorded(row.getString(1), row.getString(2)), sopInstanceUid);
        } catch (SQLException e) {
            throw new CatalogUnavailableException("cannot look up instance " + sopInstanceUid + " (SQLState " + e.getSQLState() + ")", e);
        }
    }

    @Override
    public Receipt record(SpooledInstance instance) throws CatalogUnavailableException {
        OffsetDateTime at = instance.receivedAt().atOffset(ZoneOffset.UTC);
        String identity = patientIdentity.hash(instance.patient().issuerOfPatientId(), instance.patient().patientId());
        try {
            return sql.inTransaction(connection -> record(connection, instance, identity, at));
        } catch (SQLException e) {
            // Not the database's message: it can quote the values (patient data) of the statement.
            throw new CatalogUnavailableException("cannot record instance " + instance.sopInstanceUid() + " (SQLState "
                    + e.getSQLState() + ")", e);
        }
    }

    private Receipt record(Connection connection, SpooledInstance instance, String identity, OffsetDateTime at)
            throws SQLException {
        boolean radiograph = instance.kind().triaged();
        Optional<InstanceRows.Current> current = InstanceRows.lockCurrent(connection, instance.sopInstanceUid());
        TreeSet<String> studies = new TreeSet<>();
        studies.add(instance.studyInstanceUid());
        current.ifPresent(row -> studies.add(row.studyInstanceUid()));
        for (String study : studies) {
            StudyRows.insertAndLock(connection, study, study.equals(instance.studyInstanceUid()) && radiograph, at);
        }
        if (current.isEmpty() && instances.insert(connection, instance, identity, at)) {
            StudyRows.count(connection, instance.studyInstanceUid(), 1, radiograph, at);
            auditStore(connection, instance, "stored " + instance.sopInstanceUid() + describe(instance));
            auditIdentity(connection, instance, StudyRows.refreshIdentityConflict(connection, instance.studyInstanceUid()));
            return Receipt.NEW;
        }
        InstanceRows.Current before = current.isPresent() ? current.get()
                : InstanceRows.lockCurrent(connection, instance.sopInstanceUid()).orElseThrow(
                        () -> new SQLException("instance " + instance.sopInstanceUid() + " vanished while being recorded"));
        if (before.contentSha256() != null && before.contentSha256().equals(instance.contentSha256())) {
            auditStore(connection, instance, "re-sent, already stored " + instance.sopInstanceUid());
            return Receipt.IDENTICAL_RESEND;
        }
        correct(connection, instance, identity, before, at);
        return Receipt.CHANGED_RESEND;
    }

    /** A changed re-send replaces the row; its study (and a study it moved away from) is reassessed. */
    private void correct(Connection connection, SpooledInstance instance, String identity, InstanceRows.Current before,
                         OffsetDateTime at) throws SQLException {
        instances.replace(connection, instance, identity, at);
        boolean moved = !before.studyInstanceUid().equals(instance.studyInstanceUid());
        boolean reassess = instance.kind().triaged() || before.kind() == InstanceKind.RADIOGRAPH;
        StudyRows.count(connection, instance.studyInstanceUid(), moved ? 1 : 0, reassess, at);
        if (moved) {
            StudyRows.count(connection, before.studyInstanceUid(), -1, before.kind() == InstanceKind.RADIOGRAPH, at);
            auditIdentity(connection, instance.callingAeTitle(), before.studyInstanceUid(),
                    StudyRows.refreshIdentityConflict(connection, before.studyInstanceUid()));
        }
        auditStore(connection, instance, "corrected re-send of " + instance.sopInstanceUid() + describe(instance)
                + (moved ? " (moved from study " + before.studyInstanceUid() + ")" : ""));
        auditIdentity(connection, instance, StudyRows.refreshIdentityConflict(connection, instance.studyInstanceUid()));
    }

    /** Nothing for radiographs (the details stay as they were); the kind and keeping for the others. */
    private static String describe(SpooledInstance instance) {
        if (instance.kind().triaged()) {
            return "";
        }
        return " (" + instance.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ", not triaged"
                + (instance.kept() ? "" : ", not kept") + ")";
    }

    private void auditStore(Connection connection, SpooledInstance instance, String details) throws SQLException {
        audit.dicomPeer(connection, instance.callingAeTitle(), AuditAction.DICOM_STORE, instance.studyInstanceUid(), details);
    }

    private void auditIdentity(Connection connection, SpooledInstance instance, StudyRows.IdentityFlag flag)
            throws SQLException {
        auditIdentity(connection, instance.callingAeTitle(), instance.studyInstanceUid(), flag);
    }

    private void auditIdentity(Connection connection, String callingAe, String studyUid, StudyRows.IdentityFlag flag)
            throws SQLException {
        if (flag.raised()) {
            audit.dicomPeer(connection, callingAe, AuditAction.DICOM_STORE, studyUid,
                    "patient identity differs from other instances of the study");
        } else if (flag.cleared()) {
            audit.dicomPeer(connection, callingAe, AuditAction.DICOM_STORE, studyUid,
                    "patient identities of the study agree again");
        }
    }
}
