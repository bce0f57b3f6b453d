package org.cxrtriage.app.triage;

import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * What radiologists do to the worklist: open a study (in-progress), complete it, and agree or
 * disagree with each AI finding. Each action records who and when, so time to first open, time to
 * review and AI agreement can be measured. Used by the FHIR API (and the web worklist later).
 */
@Singleton
public final class WorklistActions {

    private static final Set<String> STATUSES = Set.of("ready", "in-progress", "completed");

    private final DataSource dataSource;
    private final AuditTrail audit;

    public WorklistActions(DataSource dataSource, AuditTrail audit) {
        this.dataSource = dataSource;
        this.audit = audit;
    }

    /** Returns false when the study has no worklist item. {@code source}: the actor's network address. */
    public boolean changeStatus(String studyUid, String status, String actor, String source) throws SQLException {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("Task.status '" + status + "' cannot be set here; use ready, in-progress or completed");
        }
        OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                String previous;
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT status FROM worklist_item WHERE study_instance_uid = ? FOR UPDATE")) {
                    select.setString(1, studyUid);
                    try (ResultSet row = select.executeQuery()) {
                        if (!row.next()) {
                            connection.rollback();
                            return false;
                        }
                        previous = row.getString(1);
                    }
                }
                try (PreparedStatement update = connection.prepareStatement("""
                        UPDATE worklist_item SET status = ?, owner = ?, last_modified = ?,
                               first_opened_at = CASE WHEN ? = 'in-progress' AND first_opened_at IS NULL THEN ? ELSE first_opened_at END,
                               completed_at = CASE WHEN ? = 'completed' THEN ? ELSE completed_at END
                         WHERE study_instance_uid = ?""")) {
                    update.setString(1, status);
                    update.setString(2, actor);
                    update.setObject(3, now);
                    update.setString(4, status);
                    update.setObject(5, now);
                    update.setString(6, status);
                    update.setObject(7, now);
                    update.setString(8, studyUid);
                    update.executeUpdate();
                }
                try (PreparedStatement event = connection.prepareStatement("""
                        INSERT INTO task_event (study_instance_uid, actor, from_status, to_status, occurred_at)
                        VALUES (?, ?, ?, ?, ?)""")) {
                    event.setString(1, studyUid);
                    event.setString(2, actor);
                    event.setString(3, previous);
                    event.setString(4, status);
                    event.setObject(5, now);
                    event.executeUpdate();
                }
                connection.commit();
                audit.user(actor, "task.update", studyUid, java.util.List.of("Task/" + studyUid), true, source,
                        previous + " -> " + status);
                return true;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Records agreement or disagreement with one AI finding; false when the finding is unknown. */
    public boolean feedback(long findingId, String actor, boolean agree, String source) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO finding_feedback (finding_result_id, actor, agree, occurred_at)
                     SELECT id, ?, ?, ? FROM finding_result WHERE id = ?""")) {
            insert.setString(1, actor);
            insert.setBoolean(2, agree);
            insert.setObject(3, Instant.now().atOffset(ZoneOffset.UTC));
            insert.setLong(4, findingId);
            boolean recorded = insert.executeUpdate() == 1;
            audit.user(actor, "finding.feedback", studyOf(connection, findingId),
                    java.util.List.of("Observation/f" + findingId), recorded, source, agree ? "agree" : "disagree");
            return recorded;
        }
    }

    private static String studyOf(Connection connection, long findingId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT r.study_instance_uid FROM finding_result f JOIN triage_result r ON r.id = f.result_id WHERE f.id = ?")) {
            select.setLong(1, findingId);
            try (var row = select.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }
}
