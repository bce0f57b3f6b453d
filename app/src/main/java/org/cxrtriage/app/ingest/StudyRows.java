package org.cxrtriage.app.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;

/**
 * The {@code study} table's writes for ingest. Only radiographs drive assembly: a study becomes
 * RECEIVING (and so is assembled and triaged again) when a radiograph arrives or is corrected; a
 * study holding only objects triage ignores waits as NO_RADIOGRAPH. The patient identity flag is
 * recomputed from the study's current instances after every change.
 */
final class StudyRows {

    static final String RECEIVING = "RECEIVING";
    static final String NO_RADIOGRAPH = "NO_RADIOGRAPH";

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
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO study (study_instance_uid, status, instance_count, first_received_at, last_received_at)
                VALUES (?, ?, 0, ?, ?)
                ON CONFLICT DO NOTHING""")) {
            insert.setString(1, studyUid);
            insert.setString(2, radiograph ? RECEIVING : NO_RADIOGRAPH);
            insert.setObject(3, at);
            insert.setObject(4, at);
            insert.executeUpdate();
        }
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT identity_conflict FROM study WHERE study_instance_uid = ? FOR UPDATE")) {
            lock.setString(1, studyUid);
            lock.executeQuery().close();
        }
    }

    /** Counts an instance in (+1) or out (-1); a radiograph also reopens the study for assembly. */
    static void count(Connection connection, String studyUid, int delta, boolean radiograph, OffsetDateTime at)
            throws SQLException {
        String sql = radiograph
                ? "UPDATE study SET status = 'RECEIVING', instance_count = instance_count + ?, last_received_at = ?"
                + " WHERE study_instance_uid = ?"
                : "UPDATE study SET instance_count = instance_count + ? WHERE study_instance_uid = ?";
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            update.setInt(1, delta);
            int next = 2;
            if (radiograph) {
                update.setObject(next++, at);
            }
            update.setString(next, studyUid);
            update.executeUpdate();
        }
    }

    /**
     * Sets {@code identity_conflict} from the study's current instances: true when they carry more
     * than one patient identity (an instance without Patient ID counts as the identity "absent";
     * rows from before identities were recorded are not compared).
     */
    static IdentityFlag refreshIdentityConflict(Connection connection, String studyUid) throws SQLException {
        boolean before;
        boolean after;
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT s.identity_conflict,
                       (SELECT COUNT(DISTINCT i.patient_identity) FROM instance i WHERE i.study_instance_uid = s.study_instance_uid)
                  FROM study s WHERE s.study_instance_uid = ?""")) {
            select.setString(1, studyUid);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return new IdentityFlag(false, false);
                }
                before = row.getBoolean(1);
                after = row.getLong(2) > 1;
            }
        }
        if (before != after) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE study SET identity_conflict = ? WHERE study_instance_uid = ?")) {
                update.setBoolean(1, after);
                update.setString(2, studyUid);
                update.executeUpdate();
            }
        }
        return new IdentityFlag(before, after);
    }
}
