package org.cxrtriage.compliance.chain;

import java.time.Instant;

/**
 * Which audit records to read. Every criterion is optional (null = any); a record must meet all
 * that are given. Results always come in sequence order.
 *
 * @param from            recorded at or after this instant (inclusive)
 * @param to              recorded before this instant (exclusive)
 * @param actor           the agent exactly as recorded: a user name, a calling AE title, "cxr-triage"
 * @param entity          a study instance UID or a resource string such as "Task/1.2.3"; see
 *                        {@link AuditLog} for how it matches
 * @param throughSequence no record after this sequence number, e.g. the chain head when a read began
 */
public record AuditQuery(Instant from, Instant to, String actor, String entity, Long throughSequence) {

    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null);
    }

    /** Records in [from, to). */
    public static AuditQuery between(Instant from, Instant to) {
        return new AuditQuery(from, to, null, null, null);
    }

    public AuditQuery withActor(String actor) {
        return new AuditQuery(from, to, actor, entity, throughSequence);
    }

    public AuditQuery withEntity(String entity) {
        return new AuditQuery(from, to, actor, entity, throughSequence);
    }

    public AuditQuery through(long sequence) {
        return new AuditQuery(from, to, actor, entity, sequence);
    }
}
