package org.cxrtriage.app.ingest;

import org.cxrtriage.app.assembly.StudyState;
import org.cxrtriage.app.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * The {@code study} table's writes for ingest. Only radiographs drive assembly: a study becomes
 * RECEIVING (and so is assembled and triaged again) when a radiograph arrives or is corrected; a
 * study holding only objects triage ignores waits as NO_RADIOGRAPH. The patient identity flag is
 * recomputed from the study's current instances after every change.
 */
final class StudyRows {

    /** The study's identity flag before and after a change. */
    record IdentityFlag(boolean before, boolean after) {
        boolean raised() {
            return after && !before;
        }

        boolean cleared() {
            return before && !after;
        }
    }

    private StudyRows() {
    }

    /** Creates the study row if needed, then locks it: instances of one study are recorded one at a time. */
    static void insertAndLock(Connection connection, String studyUid, boolean radiograph, OffsetDateTime at)
            throws SQLException {
        Sql.update(connection, """
                INSERT INTO study (study_instance_uid, status, instance_count, first_received_at, last_received_at)
                VALUES (?, ?, 0, ?, ?)
                ON CONFLICT DO NOTHING""", studyUid, (radiograph ? StudyState.RECEIVING : StudyState.NO_RADIOGRAPH).name(), at, at);
        Sql.query(connection, "SELECT identity_conflict FROM study WHERE study_instance_uid = ? FOR UPDATE",
                row -> row.getBoolean(1), studyUid);
    }

    /** Counts an instance in (+1) or out (-1); a radiograph also reopens the study for assembly. */
    static void count(Connection connection, String studyUid, int delta, boolean radiograph, OffsetDateTime at)
            throws SQLException {
        if (radiograph) {
            Sql.update(connection, "UPDATE study SET status = ?, instance_count = instance_count + ?, last_received_at = ?"
                    + " WHERE study_instance_uid = ?", StudyState.RECEIVING.name(), delta, at, studyUid);
        } else {
            Sql.update(connection, "UPDATE study SET instance_count = instance_count + ? WHERE study_instance_uid = ?", delta,
                    studyUid);
        }
    }

    /**
     * Sets {@code identity_conflict} from the study's current instances: true when they carry more
     * than one patient identity (an instance without Patient ID counts as the identity "absent";
     * rows from before identities were recorded are not compared).
     */
    static IdentityFlag refreshIdentityConflict(Connection connection, String studyUid) throws SQLException {
        IdentityFlag flag = Sql.queryOne(connection, """
                SELECT s.identity_conflict,
                       (SELECT COUNT(DISTINCT i.patient_identity) FROM instance i WHERE i.study_instance_uid = s.study_instance_uid)
                  FROM study s WHERE s.study_instance_uid = ?""", row -> new IdentityFlag(row.getBoolean(1), row.getLong(2) > 1),
                studyUid).orElse(new IdentityFlag(false, false));
        if (flag.before() != flag.after()) {
            Sql.update(connection, "UPDATE study SET identity_conflict = ? WHERE study_instance_uid = ?", flag.after(), studyUid);
        }
        return flag;
    }
}
