package org.cxrtriage.app.triage;

import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The triage job queue in the shared database. A worker claims one job at a time with
 * {@code FOR UPDATE SKIP LOCKED} and holds a lease; a job whose lease ran out (its node died) can
 * be claimed again by any node. Jobs for an older revision of a study whose newer revision is
 * already queued are marked SUPERSEDED instead of being scored twice.
 */
@Singleton
public final class JobQueue {

    private static final String CLAIM = """
            SELECT id, study_instance_uid, study_revision, reason, attempts FROM triage_job
             WHERE (status = 'QUEUED' AND (not_before IS NULL OR not_before <= ?))
                OR (status = 'RUNNING' AND lease_until < ?)
             ORDER BY queued_at, id
             LIMIT 1
             FOR UPDATE SKIP LOCKED""";
    private static final String LEASE = """
            UPDATE triage_job SET status = 'RUNNING', lease_owner = ?, lease_until = ?, attempts = attempts + 1
             WHERE id = ?""";
    private static final String NEWER = """
            SELECT COUNT(*) FROM triage_job WHERE study_instance_uid = ? AND study_revision > ?""";

    private final DataSource dataSource;

    public JobQueue(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Claims the oldest claimable job for {@code owner}, or returns empty when there is none. */
    public Optional<TriageJob> claim(String owner, Duration lease, Instant now) throws SQLException {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Optional<TriageJob> job = Optional.empty();
                try (PreparedStatement select = connection.prepareStatement(CLAIM)) {
                    select.setObject(1, at);
                    select.setObject(2, at);
                    try (ResultSet row = select.executeQuery()) {
                        if (row.next()) {
                            job = Optional.of(new TriageJob(row.getLong(1), row.getString(2), row.getInt(3), row.getString(4),
                                    row.getInt(5) + 1));
                        }
                    }
                }
                if (job.isPresent()) {
                    if (hasNewerRevision(connection, job.get())) {
                        finish(connection, job.get().id(), "SUPERSEDED", null, now);
                        connection.commit();
                        return claim(owner, lease, now);
                    }
                    try (PreparedStatement update = connection.prepareStatement(LEASE)) {
                        update.setString(1, owner);
                        update.setObject(2, now.plus(lease).atOffset(ZoneOffset.UTC));
                        update.setLong(3, job.get().id());
                        update.executeUpdate();
                    }
                }
                connection.commit();
                return job;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Puts a failed attempt back in the queue, to be tried again no sooner than {@code notBefore}. */
    public void retryLater(TriageJob job, String owner, String error, Instant notBefore) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("""
                     UPDATE triage_job SET status = 'QUEUED', lease_owner = NULL, lease_until = NULL, not_before = ?,
                            last_error = ? WHERE id = ? AND lease_owner = ?""")) {
            update.setObject(1, notBefore.atOffset(ZoneOffset.UTC));
            update.setString(2, truncate(error));
            update.setLong(3, job.id());
            update.setString(4, owner);
            update.executeUpdate();
        }
    }

    private static void finish(Connection connection, long id, String status, String error, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                UPDATE triage_job SET status = ?, finished_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
                 WHERE id = ?""")) {
            update.setString(1, status);
            update.setObject(2, now.atOffset(ZoneOffset.UTC));
            update.setString(3, truncate(error));
            update.setLong(4, id);
            update.executeUpdate();
        }
    }

    private static boolean hasNewerRevision(Connection connection, TriageJob job) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(NEWER)) {
            select.setString(1, job.studyInstanceUid());
            select.setInt(2, job.studyRevision());
            try (ResultSet row = select.executeQuery()) {
                return row.next() && row.getLong(1) > 0;
            }
        }
    }

    private static String truncate(String error) {
        return error == null || error.length() <= 500 ? error : error.substring(0, 500);
    }
}
