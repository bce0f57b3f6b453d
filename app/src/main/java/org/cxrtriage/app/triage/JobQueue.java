package org.cxrtriage.app.triage;

import jakarta.inject.Singleton;
import org.cxrtriage.app.db.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The triage job queue in the shared database, and the only writer of {@code triage_job}: a job
 * is queued by study assembly, claimed by a worker with {@code FOR UPDATE SKIP LOCKED} and a lease,
 * put back for a later attempt, and finished only while its lease is still held. A job whose lease
 * ran out (its node died) can be claimed by any node. A job for a revision older than one already
 * queued is superseded rather than scored twice.
 */
@Singleton
public final class JobQueue {

    static final int MAX_ERROR = 500;
    /**
     * Claims beyond the last attempt, to store its "not scored: error" record. A job whose failure
     * record cannot be stored within them is no longer claimed (it would be retried forever) and is
     * reported as stranded on /health.
     */
    public static final int FAILURE_RECORD_CLAIMS = 2;

    private final Sql sql;

    public JobQueue(Sql sql) {
        this.sql = sql;
    }

    /** Queues a job for a study revision inside the caller's transaction (study assembly). */
    public static void enqueue(Connection connection, String studyUid, int revision, JobReason reason, OffsetDateTime at)
            throws SQLException {
        Sql.update(connection, """
                INSERT INTO triage_job (study_instance_uid, study_revision, reason, status, queued_at)
                VALUES (?, ?, ?, ?, ?)""", studyUid, revision, reason.name(), JobState.QUEUED.name(), at);
    }

    /**
     * Claims the oldest claimable job for {@code owner}, or returns empty when there is none. A job
     * already claimed {@code maxClaims} times is left alone: it is {@link #backlog stranded}.
     */
    public Optional<TriageJob> claim(String owner, Duration lease, Instant now, int maxClaims) throws SQLException {
        while (true) {
            Claim claim = sql.inTransaction(connection -> claimOne(connection, owner, lease, now, maxClaims));
            if (!claim.superseded()) {
                return claim.job();
            }
        }
    }

    /** The outcome of one claiming transaction: a job, nothing, or an outdated job set aside (try again). */
    private record Claim(Optional<TriageJob> job, boolean superseded) {
    }

    private static Claim claimOne(Connection connection, String owner, Duration lease, Instant now, int maxClaims)
            throws SQLException {
        OffsetDateTime at = utc(now);
        Optional<TriageJob> job = Sql.queryOne(connection, """
                SELECT id, study_instance_uid, study_revision, reason, attempts, queued_at FROM triage_job
                 WHERE ((status = ? AND (not_before IS NULL OR not_before <= ?))
                    OR (status = ? AND lease_until < ?))
                   AND attempts < ?
                 ORDER BY queued_at, id
                 LIMIT 1
                 FOR UPDATE SKIP LOCKED""", row -> new TriageJob(row.getLong(1), row.getString(2), row.getInt(3),
                JobReason.valueOf(row.getString(4)), row.getInt(5) + 1,
                row.getObject(6, OffsetDateTime.class).toInstant()),
                JobState.QUEUED.name(), at, JobState.RUNNING.name(), at, maxClaims);
        if (job.isEmpty()) {
            return new Claim(job, false);
        }
        long newer = Sql.queryOne(connection, "SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ? AND study_revision > ?",
                row -> row.getLong(1), job.get().studyInstanceUid(), job.get().studyRevision()).orElse(0L);
        if (newer > 0) {
            finish(connection, job.get().id(), JobState.SUPERSEDED, null, at);
            return new Claim(Optional.empty(), true);
        }
        Sql.update(connection, "UPDATE triage_job SET status = ?, lease_owner = ?, lease_until = ?, attempts = attempts + 1"
                + " WHERE id = ?", JobState.RUNNING.name(), owner, utc(now.plus(lease)), job.get().id());
        return new Claim(job, false);
    }

    /**
     * What waits and what is stuck, for /health and /prometheus.
     *
     * @param queued        jobs waiting for a worker
     * @param running       jobs a worker holds under a live lease
     * @param oldestQueued  when the oldest waiting job was queued, if any
     * @param lastTriaged   when the last job finished with a stored result, if any
     * @param stranded      jobs claimed {@code maxClaims} times without storing any result: their
     *                      studies are on no worklist until somebody looks
     */
    public record Backlog(long queued, long running, Optional<Instant> oldestQueued, Optional<Instant> lastTriaged,
                          long stranded) {
    }

    public Backlog backlog(Instant now, int maxClaims) throws SQLException {
        OffsetDateTime at = utc(now);
        return sql.inTransaction(connection -> {
            long queued = count(connection, "SELECT COUNT(*) FROM triage_job WHERE status = ? AND attempts < ?",
                    JobState.QUEUED.name(), maxClaims);
            long running = count(connection, "SELECT COUNT(*) FROM triage_job WHERE status = ? AND lease_until >= ?",
                    JobState.RUNNING.name(), at);
            long stranded = count(connection, """
                    SELECT COUNT(*) FROM triage_job
                     WHERE attempts >= ? AND (status = ? OR (status = ? AND lease_until < ?))""",
                    maxClaims, JobState.QUEUED.name(), JobState.RUNNING.name(), at);
            Optional<Instant> oldest = Sql.queryOne(connection, "SELECT MIN(queued_at) FROM triage_job WHERE status = ?",
                    row -> Optional.ofNullable(row.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant),
                    JobState.QUEUED.name()).flatMap(o -> o);
            Optional<Instant> last = Sql.queryOne(connection, "SELECT MAX(finished_at) FROM triage_job WHERE status IN (?, ?)",
                    row -> Optional.ofNullable(row.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant),
                    JobState.DONE.name(), JobState.FAILED.name()).flatMap(o -> o);
            return new Backlog(queued, running, oldest, last, stranded);
        });
    }

    private static long count(Connection connection, String query, Object... parameters) throws SQLException {
        return Sql.queryOne(connection, query, row -> row.getLong(1), parameters).orElse(0L);
    }

    /** Puts a failed attempt back in the queue, to be tried again no sooner than {@code notBefore}. */
    public void retryLater(TriageJob job, String owner, String error, Instant notBefore) throws SQLException {
        sql.update("""
                UPDATE triage_job SET status = ?, lease_owner = NULL, lease_until = NULL, not_before = ?, last_error = ?
                 WHERE id = ? AND lease_owner = ?""", JobState.QUEUED.name(), utc(notBefore), truncate(error), job.id(), owner);
    }

    /**
     * Marks the job DONE or FAILED inside the caller's transaction, which also holds the job's
     * result: the transaction must roll back when this throws, so a job is stored once even when a
     * slow node and the node that took over both finish it.
     *
     * @throws LeaseLostException when {@code owner} no longer holds the job's lease
     */
    public static void complete(Connection connection, TriageJob job, String owner, JobState state, String error,
                                OffsetDateTime at) throws SQLException, LeaseLostException {
        if (state != JobState.DONE && state != JobState.FAILED) {
            throw new IllegalArgumentException("a job completes as DONE or FAILED, not " + state);
        }
        int finished = Sql.update(connection, """
                UPDATE triage_job SET status = ?, finished_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
                 WHERE id = ? AND lease_owner = ? AND status = ?""", state.name(), at, truncate(error), job.id(), owner,
                JobState.RUNNING.name());
        if (finished != 1) {
            throw new LeaseLostException(job);
        }
    }

    private static void finish(Connection connection, long id, JobState state, String error, OffsetDateTime at)
            throws SQLException {
        Sql.update(connection, """
                UPDATE triage_job SET status = ?, finished_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
                 WHERE id = ?""", state.name(), at, truncate(error), id);
    }

    private static String truncate(String error) {
        return error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
