package org.cxrtriage.app.audit;

import org.cxrtriage.compliance.AuditAction;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.OwnerOnlyFiles;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditLog;
import org.cxrtriage.compliance.chain.ChainHead;
import org.cxrtriage.compliance.chain.ChainVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Optional;

/**
 * The application's audit trail: every recorded step goes into the hash-chained audit log, and
 * the chain head is copied every few seconds to {@code <data>/audit/chain-head.log}, an
 * append-only file outside the database, so that removing records from the end of the table is
 * detected too.
 *
 * <p>Fail-closed: when a record cannot be written, {@link AuditUnavailableException} is thrown and
 * the caller does not carry out (or show) what was to be recorded. Refusals (failed sign-ins,
 * denied requests) are recorded too, but one address gets only so many records a minute; the rest
 * are counted into one summary record ({@link RepeatedFailures}).
 */
@Singleton
public final class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final AuditLog chain;
    private final AuditAppender appender;
    private final Path headFile;
    private final RepeatedFailures repeatedFailures;
    private volatile long lastWrittenHead = -1;
    private volatile Verification lastVerification;

    /** The outcome of the last full check of the chain against the head file. */
    public record Verification(Instant checkedAt, ChainVerifier.Verdict verdict) {
    }

    public AuditTrail(AuditLog chain, StorageConfig storage, org.cxrtriage.app.config.AuditConfig config) {
        this.repeatedFailures = new RepeatedFailures(config.refusalsPerWindow(), config.refusalWindow());
        this.chain = chain;
        this.appender = new AuditAppender(chain);
        this.headFile = storage.dataDir().resolve("audit").resolve("chain-head.log");
    }

    public void user(String user, AuditAction action, String studyUid, List<String> resources, boolean success, String source,
                     String details) {
        record("USER", user, action, studyUid, resources, success, source, details);
    }

    /**
     * A refused request or sign-in from {@code source}: recorded with outcome FAILURE, unless the
     * address has already had its share of refusal records this minute, in which case it is
     * counted into the address's summary record instead.
     */
    public void refusal(String actorType, String actor, AuditAction action, List<String> resources, String source,
                        String details) {
        if (repeatedFailures.record(source, action.code(), Instant.now())) {
            record(actorType, actor, action, null, resources, false, source, details);
        }
    }

    /** Writes the summaries of refusals that were counted rather than recorded one by one. */
    @Scheduled(fixedDelay = "2s", initialDelay = "2s")
    void writeRefusalSummaries() {
        for (RepeatedFailures.Summary summary : repeatedFailures.closed(Instant.now())) {
            try {
                record("SYSTEM", "cxr-triage", AuditAction.ACCESS_REFUSALS, null, List.of(), false, summary.source(),
                        summary.count() + " further refusal(s) from this address between " + summary.from() + " and "
                                + summary.to() + ", counted not listed: " + String.join(", ", summary.actions()));
            } catch (AuditUnavailableException e) {
                log.error("could not write the summary of {} refusal(s): {}", summary.count(), e.getMessage());
            }
        }
    }

    /** Audits a DICOM peer's action inside the caller's transaction, so both commit together. */
    public void dicomPeer(Connection connection, String aeTitle, AuditAction action, String studyUid, String details)
            throws SQLException {
        chain.append(connection, new AuditEntry(Instant.now(), "AE", aeTitle == null ? "unknown" : aeTitle, action.code(), studyUid,
                List.of(), "SUCCESS", null, details));
    }

    /** Audits a step of the system inside the caller's transaction, so both commit together (or neither). */
    public void system(Connection connection, AuditAction action, String details) throws SQLException {
        chain.append(connection, new AuditEntry(Instant.now(), "SYSTEM", "cxr-triage", action.code(), null, List.of(), "SUCCESS",
                null, details));
    }

    /** Audits a user's action inside the caller's transaction, so both commit together (or neither). */
    public void user(Connection connection, String user, AuditAction action, String source, String details) throws SQLException {
        chain.append(connection, new AuditEntry(Instant.now(), "USER", user == null ? "unknown" : user, action.code(), null,
                List.of(), "SUCCESS", source, details));
    }

    public void dicomPeer(String aeTitle, AuditAction action, String studyUid, boolean success, String source, String details) {
        record("AE", aeTitle, action, studyUid, List.of(), success, source, details);
    }

    public void system(AuditAction action, String studyUid, List<String> resources, boolean success, String details) {
        record("SYSTEM", "cxr-triage", action, studyUid, resources, success, null, details);
    }

    private void record(String actorType, String actor, AuditAction action, String studyUid, List<String> resources,
                        boolean success, String source, String details) {
        try {
            appender.append(new AuditEntry(Instant.now(), actorType, actor == null ? "unknown" : actor, action.code(), studyUid,
                    resources, success ? "SUCCESS" : "FAILURE", source, details));
        } catch (SQLException | RuntimeException e) {
            log.error("could not write audit record {} ({}); the request it belongs to is refused", action.code(),
                    e.getClass().getSimpleName());
            throw new AuditUnavailableException(action.code(), e);
        }
    }

    @jakarta.annotation.PreDestroy
    void close() {
        appender.close();
    }

    /** The chain head as the database has it. */
    public ChainHead head() throws SQLException {
        return chain.head();
    }

    @Scheduled(fixedDelay = "5s", initialDelay = "5s")
    void writeHead() {
        try {
            ChainHead head = head();
            if (lastWrittenHead < 0) {
                lastWrittenHead = lastHead(headFile).map(ChainHead::sequence).orElse(0L);
            }
            if (head.sequence() == lastWrittenHead) {
                return;
            }
            if (head.sequence() < lastWrittenHead) {
                // The file only ever moves forward: a database head behind it means records were removed.
                log.error("the audit chain head in the database ({}) is behind the head file ({}): records were removed;"
                        + " run ./cxr-triage audit verify", head.sequence(), lastWrittenHead);
                return;
            }
            OwnerOnlyFiles.directory(headFile.getParent());
            try (FileChannel out = FileChannel.open(headFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                out.write(java.nio.ByteBuffer.wrap((head.sequence() + " " + head.hash() + " " + Instant.now() + "\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                out.force(true);
            }
            lastWrittenHead = head.sequence();
        } catch (SQLException | IOException e) {
            log.warn("could not write the audit chain head to {}: {}", headFile, e.getMessage());
        }
    }

    /**
     * Checks the whole chain every 10 minutes, so a broken chain shows on /health and in the
     * compliance timeline without waiting for somebody to run {@code audit verify}.
     */
    @Scheduled(fixedDelay = "10m", initialDelay = "20s")
    void verifyChain() {
        try {
            ChainVerifier verifier = new ChainVerifier();
            chain.readAll(verifier::accept);
            ChainVerifier.Verdict verdict = verifier.verdict(lastHead(headFile));
            if (!verdict.intact()) {
                log.error("the audit chain is BROKEN at sequence {}: {}; run ./cxr-triage audit verify and investigate",
                        verdict.firstBrokenSequence().orElse(-1L), verdict.problem());
            }
            lastVerification = new Verification(Instant.now(), verdict);
        } catch (SQLException | IOException | RuntimeException e) {
            log.warn("could not verify the audit chain: {}", e.getMessage());
        }
    }

    /** The last full check of the chain, if one has run since start. */
    public Optional<Verification> lastVerification() {
        return Optional.ofNullable(lastVerification);
    }

    public AuditLog log() {
        return chain;
    }

    /** The last head written to the file, if any. */
    public static Optional<ChainHead> lastHead(Path headFile) throws IOException {
        if (!Files.exists(headFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(headFile).stream().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = lines.get(lines.size() - 1).split(" ");
        return Optional.of(new ChainHead(Long.parseLong(parts[0]), parts[1]));
    }
}
