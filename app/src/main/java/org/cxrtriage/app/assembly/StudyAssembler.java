package org.cxrtriage.app.assembly;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.AssemblyConfig;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.triage.JobQueue;
import org.cxrtriage.app.triage.JobReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    private final Sql sql;
    private final AssemblyConfig config;

    public StudyAssembler(Sql sql, AssemblyConfig config) {
        this.sql = sql;
        this.config = config;
    }

    @Scheduled(fixedDelay = "${triage.assembly.poll-interval:200ms}", initialDelay = "1s")
    void poll() {
        try {
            assembleQuietStudies(Instant.now());
        } catch (SQLException e) {
            log.warn("study assembly skipped this round, database unavailable: {}", e.getClass().getSimpleName());
        }
    }

    /** Marks studies quiet since before {@code now - quietPeriod} READY and queues their jobs. */
    public int assembleQuietStudies(Instant now) throws SQLException {
        OffsetDateTime cutoff = now.minus(config.quietPeriod()).atOffset(ZoneOffset.UTC);
        OffsetDateTime stamp = now.atOffset(ZoneOffset.UTC);
        List<QuietStudy> studies = sql.inTransaction(connection -> {
            List<QuietStudy> quiet = Sql.query(connection, """
                    SELECT study_instance_uid, revision, instance_count FROM study
                     WHERE status = ? AND last_received_at < ?
                     ORDER BY last_received_at
                     LIMIT %d
                     FOR UPDATE SKIP LOCKED""".formatted(BATCH), row -> new QuietStudy(row.getString(1), row.getInt(2),
                    row.getInt(3)), StudyState.RECEIVING.name(), cutoff);
            for (QuietStudy study : quiet) {
                Sql.update(connection, "UPDATE study SET status = ?, ready_at = ?, revision = revision + 1"
                        + " WHERE study_instance_uid = ?", StudyState.READY.name(), stamp, study.uid());
                JobQueue.enqueue(connection, study.uid(), study.revision() + 1,
                        study.revision() == 0 ? JobReason.NEW_STUDY : JobReason.LATE_INSTANCE, stamp);
            }
            return quiet;
        });
        for (QuietStudy study : studies) {
            log.info("study {} ready with {} instance(s); triage job queued ({})", study.uid(), study.instanceCount(),
                    study.revision() == 0 ? "new study" : "late instance, supersedes revision " + study.revision());
        }
        return studies.size();
    }

    private record QuietStudy(String uid, int revision, int instanceCount) {
    }
}
