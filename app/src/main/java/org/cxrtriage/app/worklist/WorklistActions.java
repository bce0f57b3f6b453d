package org.cxrtriage.app.worklist;

import org.cxrtriage.compliance.AuditAction;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.db.Sql;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * What radiologists do to the worklist: look at a study (changes no state; the first look is kept
 * for the shift figures), claim it ("Start reading": in progress, its reader is the owner), release
 * it, mark it reviewed (and undo that for a short while), and agree or disagree with each AI
 * finding. Each action records who, when and from where. The web page and the FHIR API both act
 * through here, so both always show the same state; this class is the only writer of an item's
 * status ({@link TaskStatus}). Every change raises the item's version (FHIR's Task.meta.versionId
 * and ETag), and a change may be made conditional on the version a client read (If-Match).
 */
@Singleton
public final class WorklistActions {

    /** What a claim did: the item is now the caller's, or somebody else reads it, or it is reviewed. */
    public enum ClaimOutcome { CLAIMED, ALREADY_YOURS, HELD_BY_OTHER, REVIEWED, NOT_FOUND }

    /** A claim's outcome, with who holds the item and since when (the caller after a claim). */
    public record Claim(ClaimOutcome outcome, String reader, OffsetDateTime since) {
    }

    /** An item's state as it was, read under its row lock. */
    private record Before(TaskStatus status, String owner, OffsetDateTime firstOpened, OffsetDateTime claimed,
                          OffsetDateTime completed, long version) {
    }

    /** The state to write, with what the audit record says about it. */
    private record Transition(TaskStatus to, String owner, OffsetDateTime claimed, OffsetDateTime completed,
                              AuditAction action, String note) {
    }

    private final Sql sql;
    private final AuditTrail audit;

    public WorklistActions(Sql sql, AuditTrail audit) {
        this.sql = sql;
        this.audit = audit;
    }

    /**
     * A status change as FHIR's Task update asks for it: in-progress claims the item for
     * {@code actor} (taking it over from another reader), completed marks it reviewed, ready
     * releases it. Returns false when the study has no worklist item. {@code source}: the actor's
     * network address.
     */
    public boolean changeStatus(String studyUid, String status, String actor, String source) throws SQLException {
        return changeStatus(studyUid, status, actor, source, OptionalLong.empty()) != Change.NOT_FOUND;
    }

    /** What a conditional change did. */
    public enum Change {
        /** Done, or nothing needed doing (the item already was as asked). */
        DONE,
        /** The study has no worklist item. */
        NOT_FOUND,
        /** The item changed since the version the client named (If-Match): nothing was changed. */
        STALE
    }

    /**
     * {@link #changeStatus(String, String, String, String)} only if the item's version is still
     * {@code expectedVersion} (when given), checked and changed under the row lock, so two clients
     * cannot both act on one read. An unknown status is an IllegalArgumentException.
     */
    public Change changeStatus(String studyUid, String status, String actor, String source, OptionalLong expectedVersion)
            throws SQLException {
        TaskStatus to = TaskStatus.of(status);
        Function<Before, Optional<Transition>> rule = switch (to) {
            case IN_PROGRESS -> claimRule(actor, true, now());
            case COMPLETED -> reviewRule(actor, now());
            case READY -> releaseRule(actor, true, new boolean[1]);
        };
        Optional<Before> before = apply(studyUid, actor, source,
                was -> stale(was, expectedVersion) ? Optional.empty() : rule.apply(was));
        if (before.isEmpty()) {
            return Change.NOT_FOUND;
        }
        return stale(before.get(), expectedVersion) ? Change.STALE : Change.DONE;
    }

    private static boolean stale(Before was, OptionalLong expectedVersion) {
        return expectedVersion.isPresent() && expectedVersion.getAsLong() != was.version();
    }

    /**
     * Records that {@code actor} looked at the study: the first look is kept (first_opened_at);
     * nothing else changes. The look itself is audited by whoever showed the study.
     */
    public boolean viewed(String studyUid, String actor) throws SQLException {
        OffsetDateTime now = now();
        sql.update("UPDATE worklist_item SET first_opened_at = ? WHERE study_instance_uid = ? AND first_opened_at IS NULL",
                now, studyUid);
        return sql.queryOne("SELECT 1 FROM worklist_item WHERE study_instance_uid = ?", row -> true, studyUid).isPresent();
    }

    /**
     * "Start reading": the item becomes in progress with {@code actor} as its reader. Another
     * reader's claim is taken over only when {@code takeOver}; a reviewed study is reopened only then.
     */
    public Claim claim(String studyUid, String actor, String source, boolean takeOver) throws SQLException {
        OffsetDateTime now = now();
        Optional<Before> before = apply(studyUid, actor, source, claimRule(actor, takeOver, now));
        if (before.isEmpty()) {
            return new Claim(ClaimOutcome.NOT_FOUND, null, null);
        }
        Before was = before.get();
        if (was.status() == TaskStatus.IN_PROGRESS && actor.equals(was.owner())) {
            return new Claim(ClaimOutcome.ALREADY_YOURS, actor, was.claimed());
        }
        if (!takeOver && was.status() == TaskStatus.IN_PROGRESS) {
            return new Claim(ClaimOutcome.HELD_BY_OTHER, was.owner(), was.claimed());
        }
        if (!takeOver && was.status() == TaskStatus.COMPLETED) {
            return new Claim(ClaimOutcome.REVIEWED, was.owner(), was.completed());
        }
        return new Claim(ClaimOutcome.CLAIMED, actor, now);
    }

    private static Function<Before, Optional<Transition>> claimRule(String actor, boolean takeOver, OffsetDateTime now) {
        return was -> {
            boolean mine = was.status() == TaskStatus.IN_PROGRESS && actor.equals(was.owner());
            boolean other = was.status() == TaskStatus.IN_PROGRESS && !mine;
            if (mine || (!takeOver && (other || was.status() == TaskStatus.COMPLETED))) {
                return Optional.empty();
            }
            String note = other ? "claimed, taken over from " + was.owner()
                    : was.status() == TaskStatus.COMPLETED ? "claimed, reopened after review" : "claimed";
            return Optional.of(new Transition(TaskStatus.IN_PROGRESS, actor, now, null, AuditAction.STUDY_CLAIM, note));
        };
    }

    /**
     * The reader gives the item back: ready, nobody's. Somebody else's claim is released only when
     * {@code force} (FHIR's explicit Task update). Empty when the study has no item; false when
     * nothing changed.
     */
    public Optional<Boolean> release(String studyUid, String actor, String source, boolean force) throws SQLException {
        boolean[] changed = {false};
        Optional<Before> before = apply(studyUid, actor, source, releaseRule(actor, force, changed));
        return before.map(was -> changed[0]);
    }

    private static Function<Before, Optional<Transition>> releaseRule(String actor, boolean force, boolean[] changed) {
        return was -> {
            if (was.status() == TaskStatus.READY || (!force && !actor.equals(was.owner()))
                    || (!force && was.status() != TaskStatus.IN_PROGRESS)) {
                return Optional.empty();
            }
            changed[0] = true;
            return Optional.of(new Transition(TaskStatus.READY, null, null, null, AuditAction.TASK_UPDATE, "released"));
        };
    }

    /** Marks the study reviewed by {@code actor}; a study nobody had claimed counts as claimed now. */
    public boolean review(String studyUid, String actor, String source) throws SQLException {
        return apply(studyUid, actor, source, reviewRule(actor, now())).isPresent();
    }

    private static Function<Before, Optional<Transition>> reviewRule(String actor, OffsetDateTime now) {
        return was -> Optional.of(new Transition(TaskStatus.COMPLETED, actor, was.claimed() == null ? now : was.claimed(), now,
                AuditAction.TASK_UPDATE, "reviewed"));
    }

    /**
     * Undoes {@code actor}'s own review if it is at most {@code window} old: the item is in progress
     * again with its claim as it was. False when there is nothing of theirs to undo.
     */
    public boolean undoReview(String studyUid, String actor, String source, Duration window) throws SQLException {
        OffsetDateTime oldest = now().minus(window);
        boolean[] undone = {false};
        apply(studyUid, actor, source, was -> {
            if (was.status() != TaskStatus.COMPLETED || !actor.equals(was.owner()) || was.completed() == null
                    || was.completed().isBefore(oldest)) {
                return Optional.empty();
            }
            undone[0] = true;
            return Optional.of(new Transition(TaskStatus.IN_PROGRESS, actor, was.claimed(), null, AuditAction.TASK_UPDATE,
                    "review undone"));
        });
        return undone[0];
    }

    /** Records agreement or disagreement with one AI finding; false when the finding is unknown. */
    public boolean feedback(long findingId, String actor, boolean agree, String source) throws SQLException {
        return feedback(findingId, actor, agree, Optional.empty(), source);
    }

    /**
     * Records agreement, or disagreement with an optional {@link FeedbackReason}, with one AI
     * finding. The latest record of a user is their current view; earlier ones stay as history.
     * False when the finding is unknown. A reason goes only with a disagreement
     * (IllegalArgumentException otherwise).
     */
    public boolean feedback(long findingId, String actor, boolean agree, Optional<FeedbackReason> reason, String source)
            throws SQLException {
        if (agree && reason.isPresent()) {
            throw new IllegalArgumentException("a reason (" + reason.get().code() + ") goes with a disagreement only;"
                    + " send agree=false, or no reason");
        }
        String code = reason.map(FeedbackReason::code).orElse(null);
        Optional<String[]> finding = sql.queryOne("""
                SELECT r.study_instance_uid, f.display, f.finding_key FROM finding_result f
                  JOIN triage_result r ON r.id = f.result_id WHERE f.id = ?""",
                row -> new String[] {row.getString(1), row.getString(2), row.getString(3)}, findingId);
        boolean recorded = finding.isPresent() && sql.update("""
                INSERT INTO finding_feedback (finding_result_id, actor, agree, reason, occurred_at) VALUES (?, ?, ?, ?, ?)""",
                findingId, actor, agree, code, now()) == 1;
        String named = finding.map(f -> f[1] + " (" + f[2] + ")").orElse("unknown finding " + findingId);
        audit.user(actor, AuditAction.FINDING_FEEDBACK, finding.map(f -> f[0]).orElse(null),
                List.of(References.observation(findingId)), recorded, source,
                (agree ? "agree: " : "disagree: ") + named + (code == null ? "" : "; reason: " + code));
        return recorded;
    }

    /**
     * Changes one item under its row lock as {@code rule} decides from its current state (empty:
     * no change), records the step in task_event and audits it. Empty when the study has no item;
     * otherwise the state before.
     */
    private Optional<Before> apply(String studyUid, String actor, String source, Function<Before, Optional<Transition>> rule)
            throws SQLException {
        OffsetDateTime now = now();
        Transition[] done = {null};
        Optional<Before> before = sql.inTransaction(connection -> {
            Optional<Before> was = Sql.queryOne(connection, """
                    SELECT status, owner, first_opened_at, claimed_at, completed_at, version FROM worklist_item
                     WHERE study_instance_uid = ? FOR UPDATE""", row -> new Before(TaskStatus.of(row.getString(1)),
                    row.getString(2), row.getObject(3, OffsetDateTime.class), row.getObject(4, OffsetDateTime.class),
                    row.getObject(5, OffsetDateTime.class), row.getLong(6)), studyUid);
            Optional<Transition> change = was.flatMap(rule);
            if (change.isEmpty()) {
                return was;
            }
            Transition to = change.get();
            OffsetDateTime firstOpened = was.get().firstOpened() == null && to.to() != TaskStatus.READY ? now
                    : was.get().firstOpened();
            Sql.update(connection, """
                    UPDATE worklist_item SET status = ?, owner = ?, claimed_at = ?, completed_at = ?, first_opened_at = ?,
                           last_modified = ?, version = version + 1
                     WHERE study_instance_uid = ?""", to.to().code(), to.owner(), to.claimed(), to.completed(), firstOpened,
                    now, studyUid);
            Sql.update(connection, """
                    INSERT INTO task_event (study_instance_uid, actor, from_status, to_status, occurred_at)
                    VALUES (?, ?, ?, ?, ?)""", studyUid, actor, was.get().status().code(), to.to().code(), now);
            done[0] = to;
            return was;
        });
        if (done[0] != null) {
            audit.user(actor, done[0].action(), studyUid, List.of(References.task(studyUid)), true, source,
                    before.orElseThrow().status().code() + " -> " + done[0].to().code() + ": " + done[0].note());
        }
        return before;
    }

    private static OffsetDateTime now() {
        return Instant.now().atOffset(ZoneOffset.UTC);
    }
}
