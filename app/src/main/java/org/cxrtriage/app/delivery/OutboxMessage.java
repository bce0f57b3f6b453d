package org.cxrtriage.app.delivery;

import org.cxrtriage.app.worklist.BusinessStatus;
import org.cxrtriage.app.worklist.TaskPriority;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;

/**
 * What the worklist decided with one active result, as triage hands it to the outbox: the result
 * and study revision it belongs to, what the AI could do ({@link BusinessStatus}), the item's
 * priority after the decision, and whether the AI raised that priority for a critical finding.
 * Every message sent about the result says this, however often it is re-sent.
 */
public record OutboxMessage(String studyUid, long resultId, int revision, BusinessStatus outcome, TaskPriority priority,
                            boolean raisedByAi) {

    public OutboxMessage {
        Objects.requireNonNull(studyUid, "studyUid");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(priority, "priority");
    }

    static OutboxMessage read(ResultSet row) throws SQLException {
        return new OutboxMessage(row.getString(2), row.getLong(1), row.getInt(3), BusinessStatus.of(row.getString(4)),
                TaskPriority.valueOf(row.getString(5).toUpperCase(Locale.ROOT)), row.getBoolean(6));
    }
}
