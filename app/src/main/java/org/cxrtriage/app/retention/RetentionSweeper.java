package org.cxrtriage.app.retention;

import org.cxrtriage.compliance.AuditAction;
import io.micronaut.context.annotation.Property;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.dicom.store.StudySpool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deletes spooled pixel data once it is older than the retention period
 * ({@code triage.retention.pixel-data}, TRIAGE_RETENTION; 0 keeps it forever). Worklist items,
 * scores and audit records stay; each purged study gets a {@code retention.purge} audit record.
 * Studies still being received or triaged are left alone. Quarantined files follow the same period.
 */
@Singleton
public final class RetentionSweeper {

    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);
    private static final int BATCH = 500;

    private final DataSource dataSource;
    private final StudySpool spool;
    private final AuditTrail audit;
    private final Duration retention;

    public RetentionSweeper(DataSource dataSource, StudySpool spool, AuditTrail audit,
                            @Property(name = "triage.retention.pixel-data", defaultValue = "30d") Duration retention) {
        this.dataSource = dataSource;
        this.spool = spool;
        this.audit = audit;
        this.retention = retention;
        if (retention.isZero()) {
            log.info("pixel data retention: kept forever (TRIAGE_RETENTION=0)");
        } else {
            log.info("pixel data retention: spooled images are deleted {} after they arrive", retention);
        }
    }

    @Scheduled(fixedDelay = "${triage.retention.sweep-interval:1h}", initialDelay = "${triage.retention.sweep-interval:1h}")
    void scheduled() {
        try {
            sweep(Instant.now());
        } catch (SQLException | RuntimeException e) {
            log.warn("retention sweep failed, next try in an hour: {}", e.getMessage());
        }
    }

    /** Deletes the pixel data received before {@code now - retention}; returns how many instances. */
    public int sweep(Instant now) throws SQLException {
        if (retention.isZero() || retention.isNegative()) {
            return 0;
        }
        Instant cutoff = now.minus(retention);
        int total = 0;
        List<Expired> batch;
        while (!(batch = expired(cutoff)).isEmpty()) {
            Map<String, List<Expired>> byStudy = new LinkedHashMap<>();
            batch.forEach(instance -> byStudy.computeIfAbsent(instance.studyUid(), study -> new ArrayList<>()).add(instance));
            for (Map.Entry<String, List<Expired>> study : byStudy.entrySet()) {
                purge(study.getKey(), study.getValue(), now);
                total += study.getValue().size();
            }
        }
        total += purgeQuarantine(cutoff);
        return total;
    }

    private record Expired(String sopUid, String studyUid, String spoolPath) {
    }

    private List<Expired> expired(Instant cutoff) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT i.sop_instance_uid, i.study_instance_uid, i.spool_path FROM instance i
                       JOIN study s ON s.study_instance_uid = i.study_instance_uid
                      WHERE i.received_at < ? AND i.pixels_deleted_at IS NULL AND s.status <> 'RECEIVING'
                        AND NOT EXISTS (SELECT 1 FROM triage_job j WHERE j.study_instance_uid = i.study_instance_uid
                                          AND j.status IN ('QUEUED', 'RUNNING'))
                      ORDER BY i.study_instance_uid LIMIT ?""")) {
            select.setObject(1, cutoff.atOffset(ZoneOffset.UTC));
            select.setInt(2, BATCH);
            List<Expired> expired = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    expired.add(new Expired(rows.getString(1), rows.getString(2), rows.getString(3)));
                }
            }
            return expired;
        }
    }

    private void purge(String studyUid, List<Expired> instances, Instant now) throws SQLException {
        long bytes = 0;
        for (Expired instance : instances) {
            try {
                bytes += spool.delete(instance.spoolPath());
            } catch (IOException | IllegalArgumentException e) {
                log.warn("could not delete expired pixel data {}: {}", instance.spoolPath(), e.getMessage());
            }
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement mark = connection.prepareStatement(
                     "UPDATE instance SET pixels_deleted_at = ? WHERE sop_instance_uid = ?")) {
            for (Expired instance : instances) {
                mark.setObject(1, now.atOffset(ZoneOffset.UTC));
                mark.setString(2, instance.sopUid());
                mark.addBatch();
            }
            mark.executeBatch();
        }
        audit.system(AuditAction.RETENTION_PURGE, studyUid, List.of("ImagingStudy/" + studyUid), true,
                instances.size() + " instance(s), " + bytes / 1024 + " KiB of pixel data deleted after " + retention);
    }

    private int purgeQuarantine(Instant cutoff) {
        Path quarantine = spool.quarantineDir();
        if (!Files.isDirectory(quarantine)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(quarantine)) {
            for (Path file : files) {
                if (Files.isRegularFile(file) && Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                    Files.delete(file);
                    deleted++;
                }
            }
        } catch (IOException e) {
            log.warn("could not sweep the quarantine {}: {}", quarantine, e.getMessage());
        }
        if (deleted > 0) {
            audit.system(AuditAction.RETENTION_PURGE, null, List.of(), true, deleted + " quarantined file(s) deleted after " + retention);
        }
        return deleted;
    }
}
