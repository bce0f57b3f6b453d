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
import java.util.Set;
import java.util.function.Function;

/**
 * What radiologists do to the worklist: look at a study (changes no state; the first look is kept
 * for the shift figures), claim it ("Start reading": in progress, its reader is the owner), release
 * it, mark it reviewed (and undo that for a short while), and agree or disagree with each AI
 * finding. Each action records who, when and from where. The web page and the FHIR API both act
 * through here, so both always show the same state; this class is the only writer of an item's
 * status ({@link TaskStatus}).
 */
@Singleton
public final class WorklistActions {

    /** Why a radiologist disagreed with an AI finding (finding_feedback.reason). */
    public static final Set<String> DISAGREE_REASONS = Set.of("missed-finding", "false-positive", "poor-image", "other");

    /** What a claim did: the item is now the caller's, or somebody else reads it, or it is reviewed. */
    public enum ClaimOutcome { CLAIMED, ALREADY_YOURS, HELD_BY_OTHER, REVIEWED, NOT_FOUND }

    /** A claim's outcome, with who holds the item and since when (the caller after a claim). */
    public record Claim(ClaimOutcome outcome, String reader, OffsetDateTime since) {
    }

    /** An item's state as it was, read under its row lock. */
    private record Before(TaskStatus status, String owner, OffsetDateTime firstOpened, OffsetDateTime claimed,
                          OffsetDateTime completed) {
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
        return switch (TaskStatus.of(status)) {
            case IN_PROGRESS -> claim(studyUid, actor, source, true).outcome() != ClaimOutcome.NOT_FOUND;
            case COMPLETED -> review(studyUid, actor, source);
            case READY -> release(studyUid, actor, source, true).isPresent();
        };
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
        Optional<Before> before = apply(studyUid, actor, source, was -> {
            boolean mine = was.status() == TaskStatus.IN_PROGRESS && actor.equals(was.owner());
            boolean other = was.status() == TaskStatus.IN_PROGRESS && !mine;
            if (mine || (!takeOver && (other || was.status() == TaskStatus.COMPLETED))) {
                return Optional.empty();
            }
            String note = other ? "claimed, taken over from " + was.owner()
                    : was.status() == TaskStatus.COMPLETED ? "claimed, reopened after review" : "claimed";
            return Optional.of(new Transition(TaskStatus.IN_PROGRESS, actor, now, null, AuditAction.STUDY_CLAIM, note));
        });
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

    /**
     * The reader gives the item back: ready, nobody's. Somebody else's claim is released only when
     * {@code force} (FHIR's explicit Task update). Empty when the study has no item; false when
     * nothing changed.
     */
    public Optional<Boolean> release(String studyUid, String actor, String source, boolean force) throws SQLException {
        boolean[] changed = {false};
        Optional<Before> before = apply(studyUid, actor, source, was -> {
            if (was.status() == TaskStatus.READY || (!force && !actor.equals(was.owner()))
                    || (!force && was.status() != TaskStatus.IN_PROGRESS)) {
                return Optional.empty();
            }
            changed[0] = true;
            return Optional.of(new Transition(TaskStatus.READY, null, null, null, AuditAction.TASK_UPDATE, "released"));
        });
        return before.map(was -> changed[0]);
    }

    /** Marks the study reviewed by {@code actor}; a study nobody had claimed counts as claimed now. */
    public boolean review(String studyUid, String actor, String source) throws SQLException {
        OffsetDateTime now = now();
        return apply(studyUid, actor, source, was -> Optional.of(new Transition(TaskStatus.COMPLETED, actor,
                was.claimed() == null ? now : was.claimed(), now, AuditAction.TASK_UPDATE, "reviewed"))).isPresent();
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
        return feedback(findingId, actor, agree, source, null);
    }

    /**
     * Records agreement or disagreement with one AI finding, a disagreement optionally with one of
     * {@link #DISAGREE_REASONS}. The latest record of a user is their current view; earlier ones
     * stay as history. False when the finding is unknown.
     */
    public boolean feedback(long findingId, String actor, boolean agree, String source, String reason) throws SQLException {
        if (reason != null && (agree || !DISAGREE_REASONS.contains(reason))) {
            throw new IllegalArgumentException("a reason is given only with a disagreement, and is one of " + DISAGREE_REASONS);
        }
        Optional<String[]> finding = sql.queryOne("""
                SELECT r.study_instance_uid, f.display, f.finding_key FROM finding_result f
                  JOIN triage_result r ON r.id = f.result_id WHERE f.id = ?""",
                row -> new String[] {row.getString(1), row.getString(2), row.getString(3)}, findingId);
        boolean recorded = finding.isPresent() && sql.update("""
                INSERT INTO finding_feedback (finding_result_id, actor, agree, reason, occurred_at) VALUES (?, ?, ?, ?, ?)""",
                findingId, actor, agree, reason, now()) == 1;
        String named = finding.map(f -> f[1] + " (" + f[2] + ")").orElse("unknown finding " + findingId);
        audit.user(actor, AuditAction.FINDING_FEEDBACK, finding.map(f -> f[0]).orElse(null),
                List.of(References.observation(findingId)), recorded, source,
                (agree ? "agree: " : "disagree: ") + named + (reason == null ? "" : "; reason: " + reason));
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
                    SELECT status, owner, first_opened_at, claimed_at, completed_at FROM worklist_item
                     WHERE study_instance_uid = ? FOR UPDATE""", row -> new Before(TaskStatus.of(row.getString(1)),
                    row.getString(2), row.getObject(3, OffsetDateTime.class), row.getObject(4, OffsetDateTime.class),
                    row.getObject(5, OffsetDateTime.class)), studyUid);
            Optional<Transition> change = was.flatMap(rule);
            if (change.isEmpty()) {
                return was;
            }
            Transition to = change.get();
            OffsetDateTime firstOpened = was.get().firstOpened() == null && to.to() != TaskStatus.READY ? now
                    : was.get().firstOpened();
            Sql.update(connection, """
                    UPDATE worklist_item SET status = ?, owner = ?, claimed_at = ?, completed_at = ?, first_opened_at = ?,
                           last_modified = ?
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
