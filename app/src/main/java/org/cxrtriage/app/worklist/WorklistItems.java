package org.cxrtriage.app.worklist;

import org.cxrtriage.app.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The writes that put a study on the worklist or change what the AI says about it. An item is
 * created on the study's first decision and raised by later ones: priority and triage score never
 * go down (a re-score cannot hide a study that was urgent). Radiologists' changes are
 * {@link WorklistActions}.
 */
public final class WorklistItems {

    private WorklistItems() {
    }

    /**
     * Creates or raises the study's item inside the caller's transaction, pointing it at the result
     * {@code resultId} that made the decision.
     *
     * @return the item's decision now: {@code decision}, raised to the item's earlier one if that was higher
     */
    public static WorklistPriority.Decision decide(Connection connection, String studyUid, WorklistPriority.Decision decision, BusinessStatus status,
                              Optional<String> reason, long resultId, OffsetDateTime at) throws SQLException {
        Optional<WorklistPriority.Decision> previous = Sql.queryOne(connection,
                "SELECT priority, triage_score, critical FROM worklist_item WHERE study_instance_uid = ? FOR UPDATE",
                row -> new WorklistPriority.Decision(TaskPriority.valueOf(row.getString(1).toUpperCase()), row.getDouble(2),
                        row.getBoolean(3)), studyUid);
        if (previous.isPresent()) {
            WorklistPriority.Decision raised = decision.atLeast(previous.get());
            Sql.update(connection, """
                    UPDATE worklist_item SET priority = ?, priority_rank = ?, triage_score = ?,
                           aged_score = GREATEST(aged_score, ?), critical = ?, business_status = ?, reason = ?,
                           current_result_id = ?, last_modified = ?, version = version + 1
                     WHERE study_instance_uid = ?""", raised.priority().code(), raised.priority().ordinal(), raised.score(),
                    raised.score(), raised.critical(), status.code(), reason.orElse(null), resultId, at, studyUid);
            return raised;
        }
        Sql.update(connection, """
                INSERT INTO worklist_item (study_instance_uid, status, priority, priority_rank, triage_score, aged_score,
                       critical, business_status, reason, current_result_id, authored_on, last_modified)
                VALUES (?, 'ready', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", studyUid, decision.priority().code(),
                decision.priority().ordinal(), decision.score(), decision.score(), decision.critical(), status.code(),
                reason.orElse(null), resultId, at, at);
        return decision;
    }
}
