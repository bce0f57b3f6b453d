package org.cxrtriage.app.triage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.ModelDevice;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.dicom.qc.QcPolicy;
import org.cxrtriage.dicom.qc.QualityCheck;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelRegistry;
import org.cxrtriage.models.registry.ModelScore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One study's way through triage, step by step: load its files, decode and QC, preprocess, score
 * with the active model (and any shadow models), calibrate (inside the model), prioritise, persist.
 * Each step is timed as {@code triage.step{step=...}}. A study that cannot be scored is stored and
 * listed with its reason.
 */
@Singleton
public final class TriagePipeline {

    private static final Logger log = LoggerFactory.getLogger(TriagePipeline.class);

    private final ModelRegistry models;
    private final TriageRecords records;
    private final StudyImages studyImages = new StudyImages(new QualityCheck(QcPolicy.defaults()));
    private final MeterRegistry meters;
    private final AuditTrail audit;

    public TriagePipeline(ModelRegistry models, TriageRecords records, MeterRegistry meters, AuditTrail audit) {
        this.models = models;
        this.records = records;
        this.meters = meters;
        this.audit = audit;
    }

    /** Scores the job's study and stores the result, marking the job DONE while {@code owner} holds its lease. */
    public void process(TriageJob job, String owner) throws SQLException {
        List<Path> files = timed("load", () -> uncheckedFiles(job.studyInstanceUid()));
        ModelRegistry.Snapshot snapshot = models.current();
        LoadedModel active = snapshot.active();
        StudyImages.Prepared prepared = timed("decode_qc_preprocess", () -> studyImages.prepare(files, active.preprocessor()));
        Optional<InstanceMetadata> details = prepared.image().or(() -> prepared.headers().stream().findFirst());
        Optional<String> requested = details.flatMap(InstanceMetadata::requestedPriority);
        List<TriageRecords.Outcome> outcomes = new ArrayList<>();
        if (!prepared.scorable()) {
            String reason = HeaderValues.bound(prepared.verdict().summary(), 300);
            outcomes.add(new TriageRecords.Outcome(Optional.empty(), Optional.of(reason), false, Optional.empty(),
                    WorklistPriority.decide(requested, Optional.empty())));
            log.info("study {} not scored: {}", job.studyInstanceUid(), reason);
        } else {
            Optional<String> sop = prepared.image().map(InstanceMetadata::sopInstanceUid);
            ModelScore score = timed("infer", () -> active.score(prepared.input().get()).join());
            outcomes.add(new TriageRecords.Outcome(Optional.of(score), Optional.empty(), false, sop,
                    WorklistPriority.decide(requested, Optional.of(score))));
            for (LoadedModel shadow : snapshot.shadows()) {
                outcomes.add(shadowOutcome(shadow, files, sop, requested));
            }
        }
        timed("persist", () -> {
            uncheckedStore(job, owner, details, outcomes);
            return null;
        });
        TriageRecords.Outcome decided = outcomes.get(0);
        audit.system(decided.score().isPresent() ? "triage.scored" : "triage.not-scored", job.studyInstanceUid(),
                java.util.List.of("Task/" + job.studyInstanceUid(), ModelDevice.reference(active.manifest())), true,
                "revision " + job.studyRevision() + ", priority " + decided.decision().priority().code()
                        + decided.notScoredReason().map(r -> ", not scored: " + r).orElse("")
                        + ", model " + ModelDevice.describe(active.manifest()));
        log.info("study {} revision {} triaged: {} (score {}, {}, model {})", job.studyInstanceUid(), job.studyRevision(),
                decided.decision().priority().code(), String.format("%.3f", decided.decision().score()),
                decided.score().isPresent() ? "scored" : "not scored", active.manifest().id() + " " + active.manifest().version());
    }

    private TriageRecords.Outcome shadowOutcome(LoadedModel shadow, List<Path> files, Optional<String> sop,
                                                Optional<String> requested) {
        StudyImages.Prepared prepared = studyImages.prepare(files, shadow.preprocessor());
        if (!prepared.scorable()) {
            return new TriageRecords.Outcome(Optional.empty(), Optional.of(HeaderValues.bound(prepared.verdict().summary(), 300)), true, sop,
                    WorklistPriority.decide(requested, Optional.empty()));
        }
        ModelScore score = shadow.score(prepared.input().get()).join();
        return new TriageRecords.Outcome(Optional.of(score), Optional.empty(), true, sop,
                WorklistPriority.decide(requested, Optional.of(score)));
    }

    private <T> T timed(String step, Supplier<T> work) {
        return Timer.builder("triage.step").tag("step", step).publishPercentileHistogram(false)
                .register(meters).record(work);
    }

    private List<Path> uncheckedFiles(String studyUid) {
        try {
            return records.studyFiles(studyUid);
        } catch (SQLException e) {
            throw new StepFailure(e);
        }
    }

    private void uncheckedStore(TriageJob job, String owner, Optional<InstanceMetadata> details,
                                List<TriageRecords.Outcome> outcomes) {
        try {
            records.store(job, owner, "DONE", null, details, outcomes, Instant.now());
        } catch (SQLException e) {
            throw new StepFailure(e);
        }
    }

    /** A database failure inside a timed step, unwrapped again by the worker. */
    static final class StepFailure extends RuntimeException {
        StepFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
