package org.cxrtriage.app.delivery;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.config.DeliveryConfig;
import org.cxrtriage.app.config.NodeName;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.compliance.AuditAction;
import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.fhir.AuditEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The outbox of operations notices (table {@code operations_notice}): {@link #enqueue} writes one
 * row per configured webhook and mailbox inside the caller's transaction (the event's own), and
 * every node sends the due rows each second under a lease, retrying with the result deliveries'
 * back-off until TRIAGE_DELIVERY_GIVE_UP. Every attempt is audited ({@code notice.sent},
 * {@code notice.failed}) with the event's resource and the destination. Notices carry no patient data.
 */
@Singleton
public final class OperationsNotices {

    private static final Logger LOG = LoggerFactory.getLogger(OperationsNotices.class);
    private static final int BATCH = 20;
    private static final String DUE = "(state = 'PENDING' AND next_attempt_at <= ?) OR (state = 'SENDING' AND lease_until < ?)";
    private static final String COLUMNS = "id, event_type, model_id, model_version, resource, reason, occurred_at, node, kind,"
            + " destination, attempts";

    private record Row(long id, OperationsNotice notice, String kind, String destination, int attempts) {
        String deliveryId() {
            return "notice-" + id;
        }
    }

    private final Sql sql;
    private final AuditLog audit;
    private final DeliveryDestinations destinations;
    private final DeliveryConfig config;
    private final RetrySchedule schedule;
    private final String owner = "notice@" + NodeName.hostName() + "-" + UUID.randomUUID().toString().substring(0, 8);

    public OperationsNotices(Sql sql, AuditTrail audit, DeliveryDestinations destinations, DeliveryConfig config) {
        this.sql = sql;
        this.audit = audit.log();
        this.destinations = destinations;
        this.config = config;
        this.schedule = new RetrySchedule(config.retryMax());
    }

    /** Queues {@code notice} for every configured webhook and mailbox, inside the caller's transaction. */
    public void enqueue(Connection connection, OperationsNotice notice) throws SQLException {
        OffsetDateTime at = utc(notice.occurredAt());
        int queued = 0;
        for (DeliveryDestinations.Target target : destinations.all()) {
            if (target.destination() instanceof WebhookDestination || target.destination() instanceof EmailDestination) {
                Sql.update(connection, """
                        INSERT INTO operations_notice (event_type, model_id, model_version, resource, reason, occurred_at, node,
                               kind, destination, state, attempts, next_attempt_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?)""", notice.type(), notice.modelId(),
                        notice.modelVersion(), notice.resource(), bound(notice.reason(), 1000), at, notice.node(), target.kind(),
                        target.address(), at);
                queued++;
            }
        }
        LOG.info("{} {} {}: notice queued for {} webhook/e-mail destination(s)", notice.type(), notice.modelId(),
                notice.modelVersion(), queued);
    }

    /** Sends what is due; a row whose destination this node does not have is left to a node that has it. */
    @Scheduled(fixedDelay = "1s", initialDelay = "1s")
    void deliverDue() {
        try {
            Instant now = Instant.now();
            for (Row row : sql.query("SELECT " + COLUMNS + " FROM operations_notice WHERE " + DUE + " ORDER BY id LIMIT ?",
                    OperationsNotices::row, utc(now), utc(now), BATCH)) {
                Optional<DeliveryDestinations.Target> target = destinations.find(row.kind(), row.destination());
                if (target.isPresent() && claim(row, Instant.now())) {
                    finish(row, send(row, target.get()), Instant.now());
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("operations notices not sent this round: {}", e.toString());
        }
    }

    private boolean claim(Row row, Instant now) throws SQLException {
        return sql.update("UPDATE operations_notice SET state = 'SENDING', lease_owner = ?, lease_until = ?,"
                + " attempts = attempts + 1, last_attempt_at = ? WHERE id = ? AND (" + DUE + ")", owner,
                utc(now.plus(config.lease())), utc(now), row.id(), utc(now), utc(now)) == 1;
    }

    private static Attempt send(Row row, DeliveryDestinations.Target target) {
        try {
            if (target.destination() instanceof WebhookDestination webhook) {
                return webhook.sendNotice(row.notice().json(row.deliveryId()), row.deliveryId());
            }
            if (target.destination() instanceof EmailDestination email) {
                return email.sendNotice(row.notice().subject(), row.notice().text(), row.notice().occurredAt(), row.deliveryId());
            }
            return Attempt.fail(target.kind() + " does not take operations notices", java.time.Duration.ZERO);
        } catch (RuntimeException e) {
            return Attempt.retry("could not send: " + e, java.time.Duration.ZERO);
        }
    }

    /** Records the attempt and audits it in one transaction: SENT, PENDING after a back-off, or FAILED. */
    private void finish(Row row, Attempt attempt, Instant now) throws SQLException {
        int attempts = row.attempts() + 1;
        Instant next = now.plus(schedule.after(attempts));
        boolean givingUp = !attempt.delivered() && attempt.retryable()
                && next.isAfter(row.notice().occurredAt().plus(config.giveUp()));
        String state = attempt.delivered() ? "SENT" : attempt.retryable() && !givingUp ? "PENDING" : "FAILED";
        String detail = DeliveryQueue.bounded(attempt.detail());
        String outcome = switch (state) {
            case "SENT" -> "";
            case "PENDING" -> "; next attempt at " + next;
            default -> givingUp ? "; gave up: still failing " + config.giveUp() + " after the event" : "; not retried";
        };
        sql.inTransaction(connection -> {
            int changed = Sql.update(connection, """
                    UPDATE operations_notice SET state = ?, lease_owner = NULL, lease_until = NULL, next_attempt_at = ?,
                           last_error = ?, sent_at = ?
                     WHERE id = ? AND lease_owner = ? AND state = 'SENDING'""", state, utc(next),
                    attempt.delivered() ? null : detail, attempt.delivered() ? utc(now) : null, row.id(), owner);
            audit.append(connection, new AuditEntry(now, "SYSTEM", "cxr-triage", (attempt.delivered() ? AuditAction.NOTICE_SENT
                    : AuditAction.NOTICE_FAILED).code(), null, List.of(row.notice().resource(), AuditEvents.DESTINATION_PREFIX
                    + row.kind() + " " + row.destination()), attempt.delivered() ? "SUCCESS" : "FAILURE", null,
                    row.notice().type() + " " + row.notice().modelId() + " " + row.notice().modelVersion() + " notice "
                            + row.deliveryId() + " to " + row.kind() + " " + row.destination() + ", attempt " + attempts + ": "
                            + detail + outcome + (changed == 1 ? "" : "; the lease had passed to another node")));
            return null;
        });
        LOG.info("{} {} to {} {}: {}{}", row.notice().type(), row.deliveryId(), row.kind(), row.destination(), detail, outcome);
    }

    private static Row row(java.sql.ResultSet r) throws SQLException {
        return new Row(r.getLong(1), new OperationsNotice(r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), r.getObject(7, OffsetDateTime.class).toInstant(), r.getString(8)), r.getString(9),
                r.getString(10), r.getInt(11));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String bound(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }
}
