package org.cxrtriage.app.assembly;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.AssemblyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns RECEIVING studies that have been quiet for the configured period into READY studies with
 * a queued triage job. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so several nodes on
 * one database never queue the same revision twice (a unique key on study and revision is the
 * second guard). A study reopened by a late instance gets a new revision and a LATE_INSTANCE job.
 */
@Singleton
public final class StudyAssembler {

    private static final Logger log = LoggerFactory.getLogger(StudyAssembler.class);
    private static final int BATCH = 200;

    private static final String CLAIM_QUIET_STUDIES = """
            SELECT study_instance_uid, revision, instance_count FROM study
             WHERE status = 'RECEIVING' AND last_received_at < ?
             ORDER BY last_received_at
             LIMIT %d
             FOR UPDATE SKIP LOCKED""".formatted(BATCH);
    private static final String MARK_READY = """
            UPDATE study SET status = 'READY', ready_at = ?, revision = revision + 1
             WHERE study_instance_uid = ?""";
    private static final String QUEUE_JOB = """
            INSERT INTO triage_job (study_instance_uid, study_revision, reason, status, queued_at)
            VALUES (?, ?, ?, 'QUEUED', ?)""";

    private final DataSource dataSource;
    private final AssemblyConfig config;

    public StudyAssembler(DataSource dataSource, AssemblyConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    @Scheduled(fixedDelay = "${triage.assembly.poll-interval:200ms}", initialDelay = "1s")
    void poll() {
        try {
            assembleQuietStudies(Instant.now());
        } catch (SQLException e) {
            log.warn("study assembly skipped this round, database unavailable: {}", e.getMessage());
        }
    }

    /** Marks studies quiet since before {@code now - quietPeriod} READY and queues their jobs. */
    public int assembleQuietStudies(Instant now) throws SQLException {
        OffsetDateTime cutoff = now.minus(config.quietPeriod()).atOffset(ZoneOffset.UTC);
        OffsetDateTime stamp = now.atOffset(ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<QuietStudy> studies = claim(connection, cutoff);
                for (QuietStudy study : studies) {
                    markReadyAndQueue(connection, study, stamp);
                }
                connection.commit();
                for (QuietStudy study : studies) {
                    log.info("study {} ready with {} instance(s); triage job queued ({})", study.uid(),
                            study.instanceCount(), study.revision() == 0 ? "new study" : "late instance, supersedes revision " + study.revision());
                }
                return studies.size();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static List<QuietStudy> claim(Connection connection, OffsetDateTime cutoff) throws SQLException {
        List<QuietStudy> studies = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(CLAIM_QUIET_STUDIES)) {
            select.setObject(1, cutoff);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    studies.add(new QuietStudy(rows.getString(1), rows.getInt(2), rows.getInt(3)));
                }
            }
        }
        return studies;
    }

    private static void markReadyAndQueue(Connection connection, QuietStudy study, OffsetDateTime stamp)
            throws SQLException {
        try (PreparedStatement ready = connection.prepareStatement(MARK_READY)) {
            ready.setObject(1, stamp);
            ready.setString(2, study.uid());
            ready.executeUpdate();
        }
        try (PreparedStatement job = connection.prepareStatement(QUEUE_JOB)) {
            job.setString(1, study.uid());
            job.setInt(2, study.revision() + 1);
            job.setString(3, study.revision() == 0 ? "NEW_STUDY" : "LATE_INSTANCE");
            job.setObject(4, stamp);
            job.executeUpdate();
        }
    }

    private record QuietStudy(String uid, int revision, int instanceCount) {
    }
}
