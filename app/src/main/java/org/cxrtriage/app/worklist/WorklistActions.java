package org.cxrtriage.app.worklist;

import org.cxrtriage.compliance.AuditAction;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.db.Sql;

import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What radiologists do to the worklist: open a study (in-progress), complete it, and agree or
 * disagree with each AI finding. Each action records who, when and from where, so time to first
 * open, time to review and AI agreement can be measured. The web page and the FHIR API both act
 * through here, so both always show the same state.
 */
@Singleton
public final class WorklistActions {

    private static final Set<String> STATUSES = Set.of("ready", "in-progress", "completed");

    private final Sql sql;
    private final AuditTrail audit;

    public WorklistActions(Sql sql, AuditTrail audit) {
        this.sql = sql;
        this.audit = audit;
    }

    /** Returns false when the study has no worklist item. {@code source}: the actor's network address. */
    public boolean changeStatus(String studyUid, String status, String actor, String source) throws SQLException {
        return changeStatus(studyUid, status, actor, source, java.util.OptionalLong.empty()) == Change.DONE;
    }

    /** What a conditional change did. */
    public enum Change {
        DONE,
        /** The study has no worklist item. */
        NOT_FOUND,
        /** The item changed since the version the client named (If-Match): nothing was changed. */
        STALE
    }

    /**
     * Changes the item's status only if its version is still {@code expectedVersion} (when given),
     * checked and changed under the row lock, so two clients cannot both act on one read.
     */
    public Change changeStatus(String studyUid, String status, String actor, String source,
                               java.util.OptionalLong expectedVersion) throws SQLException {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("Task.status '" + status + "' cannot be set here; use ready, in-progress or completed");
        }
        OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
        Change[] outcome = {Change.DONE};
        Optional<String> previous = sql.inTransaction(connection -> {
            Optional<Object[]> current = Sql.queryOne(connection,
                    "SELECT status, version FROM worklist_item WHERE study_instance_uid = ? FOR UPDATE",
                    row -> new Object[] {row.getString(1), row.getLong(2)}, studyUid);
            if (current.isEmpty()) {
                outcome[0] = Change.NOT_FOUND;
                return Optional.<String>empty();
            }
            if (expectedVersion.isPresent() && expectedVersion.getAsLong() != (Long) current.get()[1]) {
                outcome[0] = Change.STALE;
                return Optional.<String>empty();
            }
            Optional<String> before = Optional.of((String) current.get()[0]);
            Sql.update(connection, """
                    UPDATE worklist_item SET status = ?, owner = ?, last_modified = ?, version = version + 1,
                           first_opened_at = CASE WHEN ? = 'in-progress' AND first_opened_at IS NULL THEN ? ELSE first_opened_at END,
                           completed_at = CASE WHEN ? = 'completed' THEN ? ELSE completed_at END
                     WHERE study_instance_uid = ?""", status, actor, now, status, now, status, now, studyUid);
            Sql.update(connection, """
                    INSERT INTO task_event (study_instance_uid, actor, from_status, to_status, occurred_at)
                    VALUES (?, ?, ?, ?, ?)""", studyUid, actor, before.get(), status, now);
            return before;
        });
        if (previous.isEmpty()) {
            return outcome[0];
        }
        audit.user(actor, AuditAction.TASK_UPDATE, studyUid, List.of("Task/" + studyUid), true, source, previous.get() + " -> " + status);
        return Change.DONE;
    }

    /** Records agreement or disagreement with one AI finding; false when the finding is unknown. */
    public boolean feedback(long findingId, String actor, boolean agree, String source) throws SQLException {
        return feedback(findingId, actor, agree, Optional.empty(), source);
    }

    /**
     * Records agreement, or disagreement with an optional reason, with one AI finding; false when the
     * finding is unknown. A reason goes only with a disagreement (IllegalArgumentException otherwise).
     */
    public boolean feedback(long findingId, String actor, boolean agree, Optional<FeedbackReason> reason, String source)
            throws SQLException {
        if (agree && reason.isPresent()) {
            throw new IllegalArgumentException("a reason (" + reason.get().code() + ") goes with a disagreement only;"
                    + " send agree=false, or no reason");
        }
        boolean recorded = sql.update("""
                INSERT INTO finding_feedback (finding_result_id, actor, agree, reason, occurred_at)
                SELECT id, ?, ?, ?, ? FROM finding_result WHERE id = ?""", actor, agree, reason.map(FeedbackReason::code).orElse(null),
                Instant.now().atOffset(ZoneOffset.UTC), findingId) == 1;
        String study = sql.queryOne("SELECT r.study_instance_uid FROM finding_result f JOIN triage_result r ON r.id = f.result_id"
                + " WHERE f.id = ?", row -> row.getString(1), findingId).orElse(null);
        audit.user(actor, AuditAction.FINDING_FEEDBACK, study, List.of("Observation/f" + findingId), recorded, source,
                agree ? "agree" : "disagree" + reason.map(r -> ": " + r.code()).orElse(""));
        return recorded;
    }
}
