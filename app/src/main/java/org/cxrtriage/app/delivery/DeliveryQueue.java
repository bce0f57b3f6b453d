package org.cxrtriage.app.delivery;

import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.delivery.DeliveryDestinations.Target;
import org.cxrtriage.compliance.AuditAction;
import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.fhir.AuditEvents;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The outbox in the shared database, and the only writer of {@code outbox_message} and
 * {@code delivery}: rows are queued with the result that they deliver, claimed by a worker on any
 * node with {@code FOR UPDATE SKIP LOCKED} and a lease, and finished only by the holder of the
 * lease. Every attempt's outcome is audited in the transaction that records it.
 *
 * <p>Versions: for destinations where a later result replaces an earlier one (a PACS, a RIS), the
 * versions of a study go out in order, a version still unsent when a later one arrives is skipped,
 * and each version names the one last delivered to the same destination, which it supersedes.
 * Notifications (webhook, e-mail) are events and are all sent.
 */
@Singleton
public final class DeliveryQueue {

    /** Kinds whose later versions replace earlier ones at the destination. */
    static final Set<String> VERSIONED = Set.of("dicom", "hl7");
    static final int MAX_DETAIL = 500;

    /** Who asked for a change: the system, a user on the web, or an operating-system account. */
    public record Actor(String type, String name, String source) {
        public static Actor system() {
            return new Actor("SYSTEM", "cxr-triage", null);
        }

        public static Actor commandLine() {
            return new Actor("USER", "os:" + System.getProperty("user.name", "unknown"), "command line");
        }
    }

    /** One result to one destination, claimed for one attempt ({@code attempt} counts from 1). */
    record Claimed(long id, String studyUid, long resultId, int revision, String kind, String destination, int attempt,
                   OffsetDateTime queuedAt, Optional<ResultMessage.Previous> supersedes) {
    }

    /** Which failed deliveries to re-queue; empty fields match everything. */
    public record RetryScope(Optional<String> studyUid, Optional<String> destination, List<Long> ids) {
        public RetryScope {
            ids = ids == null ? List.of() : List.copyOf(ids);
        }

        public static RetryScope all() {
            return new RetryScope(Optional.empty(), Optional.empty(), List.of());
        }
    }

    private final Sql sql;
    private final AuditLog audit;

    public DeliveryQueue(Sql sql, AuditLog audit) {
        this.sql = sql;
        this.audit = audit;
    }

    /**
     * Queues a result for every destination inside the caller's transaction (the one that stores
     * the result); an unsent earlier version of the study is skipped where this one replaces it.
     */
    static void enqueue(Connection connection, OutboxMessage message, List<Target> targets, OffsetDateTime at)
            throws SQLException {
        Sql.update(connection, """
                INSERT INTO outbox_message (result_id, study_instance_uid, study_revision, outcome, priority, raised_by_ai,
                       created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""", message.resultId(), message.studyUid(),
                message.revision(), message.outcome().code(), message.priority().code(), message.raisedByAi(), at);
        List<Object[]> rows = new ArrayList<>();
        for (Target target : targets) {
            if (VERSIONED.contains(target.kind())) {
                Sql.update(connection, """
                        UPDATE delivery SET state = ?, last_error = ?
                         WHERE study_instance_uid = ? AND kind = ? AND destination = ? AND state = ? AND result_id < ?""",
                        DeliveryState.SKIPPED.name(), "superseded by revision " + message.revision() + " before it was sent",
                        message.studyUid(), target.kind(), target.address(), DeliveryState.PENDING.name(), message.resultId());
            }
            rows.add(new Object[] {message.studyUid(), message.resultId(), message.revision(), target.kind(), target.address(),
                    DeliveryState.PENDING.name(), at, at, at});
        }
        Sql.batch(connection, """
                INSERT INTO delivery (study_instance_uid, result_id, study_revision, kind, destination, state, created_at,
                       queued_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
    }

    /** The decision stored with a result, as enqueued: empty for results stored before delivery existed. */
    Optional<OutboxMessage> message(long resultId) throws SQLException {
        return sql.queryOne("SELECT result_id, study_instance_uid, study_revision, outcome, priority, raised_by_ai"
                + " FROM outbox_message WHERE result_id = ?", OutboxMessage::read, resultId);
    }

    /** Claims the next due delivery to one of {@code targets} for {@code owner}, or returns empty. */
    Optional<Claimed> claim(String owner, List<Target> targets, Duration lease, Instant now) throws SQLException {
        if (targets.isEmpty()) {
            return Optional.empty();
        }
        while (true) {
            Optional<Optional<Claimed>> claim = sql.inTransaction(connection -> claimOne(connection, owner, targets, lease, now));
            if (claim.isPresent()) {
                return claim.get();
            }
        }
    }

    /** One claiming transaction: a delivery, nothing, or (outer empty) an outdated version skipped: try again. */
    private static Optional<Optional<Claimed>> claimOne(Connection connection, String owner, List<Target> targets,
                                                        Duration lease, Instant now) throws SQLException {
        OffsetDateTime at = utc(now);
        List<Object> parameters = new ArrayList<>(List.of(DeliveryState.PENDING.name(), at, DeliveryState.SENDING.name(), at));
        List<String> filter = new ArrayList<>();
        for (Target target : targets) {
            filter.add("(d.kind = ? AND d.destination = ?)");
            parameters.add(target.kind());
            parameters.add(target.address());
        }
        parameters.addAll(List.of(DeliveryState.PENDING.name(), DeliveryState.SENDING.name()));
        Optional<Claimed> row = Sql.queryOne(connection, """
                SELECT d.id, d.study_instance_uid, d.result_id, d.study_revision, d.kind, d.destination, d.attempts,
                       d.queued_at, d.supersedes_result_id FROM delivery d
                 WHERE ((d.state = ? AND d.next_attempt_at <= ?) OR (d.state = ? AND d.lease_until < ?))
                   AND (""" + String.join(" OR ", filter) + """
                )
                   AND (d.kind NOT IN ('dicom', 'hl7') OR NOT EXISTS (SELECT 1 FROM delivery e
                        WHERE e.study_instance_uid = d.study_instance_uid AND e.kind = d.kind
                          AND e.destination = d.destination AND e.result_id < d.result_id AND e.state IN (?, ?)))
                 ORDER BY d.next_attempt_at, d.id
                 LIMIT 1
                 FOR UPDATE SKIP LOCKED""", r -> new Claimed(r.getLong(1), r.getString(2), r.getLong(3), r.getInt(4),
                r.getString(5), r.getString(6), r.getInt(7) + 1, r.getObject(8, OffsetDateTime.class),
                Optional.ofNullable(r.getObject(9, Long.class)).map(id -> new ResultMessage.Previous(0, id, Optional.empty()))),
                parameters.toArray());
        if (row.isEmpty()) {
            return Optional.of(Optional.empty());
        }
        Claimed claimed = row.get();
        if (VERSIONED.contains(claimed.kind()) && laterVersionExists(connection, claimed)) {
            Sql.update(connection, "UPDATE delivery SET state = ?, last_error = ?, lease_owner = NULL, lease_until = NULL"
                    + " WHERE id = ?", DeliveryState.SKIPPED.name(), "superseded by a later revision before it was sent",
                    claimed.id());
            return Optional.empty();
        }
        Optional<ResultMessage.Previous> previous = previousDelivered(connection, claimed);
        Sql.update(connection, """
                UPDATE delivery SET state = ?, lease_owner = ?, lease_until = ?, attempts = attempts + 1, last_attempt_at = ?,
                       supersedes_result_id = ?
                 WHERE id = ?""", DeliveryState.SENDING.name(), owner, utc(now.plus(lease)), at,
                previous.map(ResultMessage.Previous::resultId).orElse(null), claimed.id());
        return Optional.of(Optional.of(new Claimed(claimed.id(), claimed.studyUid(), claimed.resultId(), claimed.revision(),
                claimed.kind(), claimed.destination(), claimed.attempt(), claimed.queuedAt(), previous)));
    }

    private static boolean laterVersionExists(Connection connection, Claimed claimed) throws SQLException {
        return Sql.queryOne(connection, "SELECT COUNT(*) FROM delivery WHERE study_instance_uid = ? AND kind = ?"
                + " AND destination = ? AND result_id > ?", r -> r.getLong(1), claimed.studyUid(), claimed.kind(),
                claimed.destination(), claimed.resultId()).orElse(0L) > 0;
    }

    /**
     * The version this one supersedes at its destination: the one named at the first attempt (so a
     * retry is the same message), else the latest earlier version delivered there.
     */
    private static Optional<ResultMessage.Previous> previousDelivered(Connection connection, Claimed claimed)
            throws SQLException {
        String which = claimed.supersedes().isPresent() ? "result_id = ?" : "state = 'SENT' AND result_id < ?";
        long bound = claimed.supersedes().map(ResultMessage.Previous::resultId).orElse(claimed.resultId());
        return Sql.queryOne(connection, "SELECT result_id, study_revision, sr_instance_uid FROM delivery"
                + " WHERE study_instance_uid = ? AND kind = ? AND destination = ? AND " + which
                + " ORDER BY result_id DESC LIMIT 1", r -> new ResultMessage.Previous(r.getInt(2), r.getLong(1),
                Optional.ofNullable(r.getString(3))), claimed.studyUid(), claimed.kind(), claimed.destination(), bound);
    }

    /**
     * Records an attempt and audits it in one transaction: SENT, PENDING again after a back-off, or
     * FAILED (refused for good, or the give-up time would pass before the next attempt).
     *
     * @param srInstanceUid the SR instance stored, for a delivered dicom attempt
     * @return the state the row is in now; empty when this node no longer held the lease (another
     *         node took the delivery over; the attempt is audited all the same)
     */
    Optional<DeliveryState> finish(Claimed claimed, String owner, Attempt attempt, Optional<String> srInstanceUid,
                                   RetrySchedule schedule, Duration giveUp, Instant now) throws SQLException {
        OffsetDateTime at = utc(now);
        String detail = bounded(attempt.detail());
        Instant next = now.plus(schedule.after(claimed.attempt()));
        boolean givingUp = !attempt.delivered() && attempt.retryable()
                && next.isAfter(claimed.queuedAt().toInstant().plus(giveUp));
        DeliveryState state = attempt.delivered() ? DeliveryState.SENT
                : attempt.retryable() && !givingUp ? DeliveryState.PENDING : DeliveryState.FAILED;
        String outcome = switch (state) {
            case SENT -> "";
            case PENDING -> "; next attempt at " + next;
            default -> givingUp ? "; gave up: still failing " + giveUp + " after it was queued" : "; not retried";
        };
        return sql.inTransaction(connection -> {
            int changed = Sql.update(connection, """
                    UPDATE delivery SET state = ?, lease_owner = NULL, lease_until = NULL, next_attempt_at = ?, last_error = ?,
                           sent_at = ?, sr_instance_uid = COALESCE(?, sr_instance_uid)
                     WHERE id = ? AND lease_owner = ? AND state = ?""", state.name(), utc(next),
                    attempt.delivered() ? null : detail, attempt.delivered() ? at : null, srInstanceUid.orElse(null),
                    claimed.id(), owner, DeliveryState.SENDING.name());
            audit(connection, Actor.system(), attempt.delivered() ? AuditAction.RESULT_SENT : AuditAction.RESULT_FAILED,
                    claimed.studyUid(), List.of(References.diagnosticReport(claimed.resultId()), destination(claimed)),
                    attempt.delivered(),
                    claimed.kind() + " " + claimed.destination() + ", revision " + claimed.revision() + ", attempt "
                            + claimed.attempt() + ": " + detail + outcome + (changed == 1 ? "" : "; the lease had passed to another node"),
                    now);
            return changed == 1 ? Optional.of(state) : Optional.<DeliveryState>empty();
        });
    }

    /**
     * Gives back the deliveries {@code owner} still holds (a node shutting down in the middle of an
     * attempt): due again now, for any node, rather than after the lease runs out. The unfinished
     * attempt is audited as failed; the destination may have received it, so the next attempt
     * sends the same message again (same SR instance, same HL7 control ID) and the receiver sees a
     * repeat, never a different result.
     *
     * @return how many were given back
     */
    int release(String owner, Instant now) throws SQLException {
        OffsetDateTime at = utc(now);
        return sql.inTransaction(connection -> {
            List<Claimed> held = Sql.query(connection, """
                    SELECT id, study_instance_uid, result_id, study_revision, kind, destination, attempts, queued_at
                      FROM delivery WHERE state = ? AND lease_owner = ? FOR UPDATE""", r -> new Claimed(r.getLong(1),
                    r.getString(2), r.getLong(3), r.getInt(4), r.getString(5), r.getString(6), r.getInt(7),
                    r.getObject(8, OffsetDateTime.class), Optional.empty()), DeliveryState.SENDING.name(), owner);
            for (Claimed row : held) {
                Sql.update(connection, "UPDATE delivery SET state = ?, lease_owner = NULL, lease_until = NULL,"
                        + " next_attempt_at = ?, last_error = ? WHERE id = ?", DeliveryState.PENDING.name(), at,
                        "attempt interrupted by a shutdown; queued again", row.id());
                audit(connection, Actor.system(), AuditAction.RESULT_FAILED, row.studyUid(),
                        List.of(References.diagnosticReport(row.resultId()), destination(row)), false,
                        row.kind() + " " + row.destination()
                                + ", revision " + row.revision() + ", attempt " + row.attempt()
                                + ": interrupted by a shutdown of this node; queued again", now);
            }
            return held.size();
        });
    }

    /** Marks a claimed delivery SKIPPED: its destination does not want this message (nothing was sent). */
    void skip(Claimed claimed, String owner, String why) throws SQLException {
        sql.update("UPDATE delivery SET state = ?, last_error = ?, lease_owner = NULL, lease_until = NULL"
                + " WHERE id = ? AND lease_owner = ? AND state = ?", DeliveryState.SKIPPED.name(), bounded(why),
                claimed.id(), owner, DeliveryState.SENDING.name());
    }

    /**
     * Marks FAILED the pending deliveries queued longer ago than {@code giveUp} that no attempt
     * finished (e.g. their destination is no longer configured on any node), each audited.
     *
     * @return how many were given up
     */
    int giveUpStale(Duration giveUp, Instant now) throws SQLException {
        OffsetDateTime limit = utc(now.minus(giveUp));
        return sql.inTransaction(connection -> {
            List<Claimed> stale = Sql.query(connection, """
                    SELECT id, study_instance_uid, result_id, study_revision, kind, destination, attempts, queued_at
                      FROM delivery WHERE state = ? AND queued_at < ? AND next_attempt_at < ?
                     FOR UPDATE SKIP LOCKED""", r -> new Claimed(r.getLong(1), r.getString(2), r.getLong(3), r.getInt(4),
                    r.getString(5), r.getString(6), r.getInt(7), r.getObject(8, OffsetDateTime.class), Optional.empty()),
                    DeliveryState.PENDING.name(), limit, utc(now));
            for (Claimed row : stale) {
                Sql.update(connection, "UPDATE delivery SET state = ?, last_error = COALESCE(last_error, ?) WHERE id = ?",
                        DeliveryState.FAILED.name(), "never attempted: is the destination still configured?", row.id());
                audit(connection, Actor.system(), AuditAction.RESULT_FAILED, row.studyUid(),
                        List.of(References.diagnosticReport(row.resultId()), destination(row)), false,
                        row.kind() + " " + row.destination()
                                + ", revision " + row.revision() + ", after " + row.attempt() + " attempt(s): gave up, still"
                                + " pending " + giveUp + " after it was queued", now);
            }
            return stale.size();
        });
    }

    /**
     * Puts FAILED deliveries back in the queue, due now, with a fresh give-up period; audited as one
     * record naming who asked. A version a later one has replaced at its destination is skipped
     * when claimed rather than sent.
     *
     * @return how many were re-queued
     */
    public int retryFailed(RetryScope scope, Actor actor, Instant now) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE state = ?");
        List<Object> parameters = new ArrayList<>(List.of(DeliveryState.FAILED.name()));
        scope.studyUid().ifPresent(uid -> {
            where.append(" AND study_instance_uid = ?");
            parameters.add(uid);
        });
        scope.destination().ifPresent(destination -> {
            where.append(" AND destination = ?");
            parameters.add(destination);
        });
        if (!scope.ids().isEmpty()) {
            where.append(" AND id IN (").append(Sql.marks(scope.ids().size())).append(")");
            parameters.addAll(scope.ids());
        }
        OffsetDateTime at = utc(now);
        return sql.inTransaction(connection -> {
            List<Object> update = new ArrayList<>(List.of(DeliveryState.PENDING.name(), at, at));
            update.addAll(parameters);
            int requeued = Sql.update(connection, "UPDATE delivery SET state = ?, attempts = 0, queued_at = ?,"
                    + " next_attempt_at = ?" + where, update.toArray());
            audit(connection, actor, AuditAction.RESULT_RETRY, scope.studyUid().orElse(null), List.of(), true,
                    requeued + " failed deliver" + (requeued == 1 ? "y" : "ies") + " re-queued"
                            + scope.destination().map(d -> " for " + d).orElse("")
                            + (scope.ids().isEmpty() ? "" : " (ids " + scope.ids() + ")"), now);
            return requeued;
        });
    }

    private void audit(Connection connection, Actor actor, AuditAction action, String studyUid, List<String> resources,
                       boolean success, String details, Instant now) throws SQLException {
        audit.append(connection, new AuditEntry(now, actor.type(), actor.name(), action.code(), studyUid, resources,
                success ? "SUCCESS" : "FAILURE", actor.source(), details));
    }

    /** The audit resource naming where an export went: an agent in the Destination role of the AuditEvent. */
    private static String destination(Claimed claimed) {
        return AuditEvents.DESTINATION_PREFIX + claimed.kind() + " " + claimed.destination();
    }

    static String bounded(String text) {
        String clean = SafeText.clean(text, MAX_DETAIL);
        return clean.isEmpty() ? "(no detail)" : clean;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
