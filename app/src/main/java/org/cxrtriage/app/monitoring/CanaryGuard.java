package org.cxrtriage.app.monitoring;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.cxrtriage.app.config.MonitorConfig;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.app.triage.rollout.ModelRollout;
import org.cxrtriage.app.triage.rollout.ModelVersion;
import org.cxrtriage.app.triage.rollout.RolloutException;
import org.cxrtriage.app.triage.rollout.RolloutModels;
import org.cxrtriage.app.triage.rollout.RolloutState;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.registry.LoadedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Population monitoring of each canary on its own: the drift signals (the unreliable rate among
 * them) over every result the canary version produced since it became canary, against its own
 * reference profile and the site's baseline, and its disagreement CUSUM against the active version
 * ({@link CanaryDisagreement}, from the first study). When they reach alarm the canary goes back to shadow
 * by itself ({@code model.auto-rollback}, with the reasons), and administrators see it in
 * {@code GET /api/admin/models}. Every node checks; the rollback happens once (ModelRollout locks).
 */
@Singleton
public final class CanaryGuard {

    private static final Logger log = LoggerFactory.getLogger(CanaryGuard.class);

    private final Sql sql;
    private final ModelRollout rollout;
    private final RolloutModels models;
    private final MonitorConfig config;
    private final ResultWindow window;
    private final CanaryDisagreement disagreement;

    public CanaryGuard(Sql sql, ModelRollout rollout, RolloutModels models, MonitorConfig config,
                       @Value("${triage.rollout.canary-disagreement-rate:0.05}") double canaryDisagreementRate) {
        this.sql = sql;
        this.rollout = rollout;
        this.models = models;
        this.config = config;
        this.window = new ResultWindow(sql);
        this.disagreement = new CanaryDisagreement(canaryDisagreementRate, config.cusumArl());
    }

    @Scheduled(fixedDelay = "${triage.monitor.poll:3s}", initialDelay = "${triage.monitor.poll:3s}")
    void check() {
        for (RolloutModels.Running running : models.running()) {
            if (running.version().state() != RolloutState.CANARY) {
                continue;
            }
            try {
                Optional<String> alarm = alarm(running.version(), running.model(), Instant.now());
                if (alarm.isPresent()) {
                    Optional<ModelRollout.Transition> back = rollout.autoRollback(running.version().modelId(),
                            running.version().version(), "canary monitoring alarm: " + alarm.get());
                    back.ifPresent(transition -> log.warn("canary {} went back to shadow by itself: {}",
                            running.version().label(), alarm.get()));
                    models.refreshNow();
                }
            } catch (SQLException | RolloutException | RuntimeException e) {
                log.warn("canary {} not checked: {}", running.version().label(), e.getMessage());
            }
        }
    }

    /** The alarm reasons of the canary's own signals, if its status is alarm. */
    Optional<String> alarm(ModelVersion canary, LoadedModel model, Instant now) throws SQLException {
        List<Long> ids = resultIds(canary);
        List<String> reasons = signals(canary, ids, model, now).stream().filter(signal -> signal.status() == MonitorStatus.ALARM)
                .map(DriftSignal::reason).toList();
        return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons) + " (" + ids.size()
                + " studies scored by the canary)");
    }

    /**
     * One version's own signals since it entered its current state (a canary's, or a shadow's for
     * the comparison page): its disagreement CUSUM against the active version from the first study,
     * and the drift signals of its results against its reference profile and the site's baseline
     * once it has {@code triage.monitor.min-studies} of them.
     */
    public List<DriftSignal> signals(ModelVersion version, LoadedModel model, Instant now) throws SQLException {
        return signals(version, resultIds(version), model, now);
    }

    private List<DriftSignal> signals(ModelVersion version, List<Long> ids, LoadedModel model, Instant now)
            throws SQLException {
        List<DriftSignal> signals = new ArrayList<>(List.of(disagreement.signal(CanaryDisagreement.pairs(sql, version))));
        if (ids.size() >= config.minStudies()) {
            signals.addAll(drift(ids, model, now));
        }
        return signals;
    }

    /** The version's current results since it entered its state, newest first. */
    private List<Long> resultIds(ModelVersion version) throws SQLException {
        return sql.query("""
                SELECT id FROM triage_result
                 WHERE model_id = ? AND model_version = ? AND superseded_by IS NULL AND created_at >= ?
                 ORDER BY id DESC""", row -> row.getLong(1), version.modelId(), version.version(),
                version.stateSince().atOffset(ZoneOffset.UTC));
    }

    /** The drift signals of the newest results (at most TRIAGE_MONITOR_MAX_STUDIES). */
    private List<DriftSignal> drift(List<Long> ids, LoadedModel model, Instant now) throws SQLException {
        List<MonitoredStudy> studies = ResultRows.byIds(sql, ids.subList(0, Math.min(ids.size(), config.maxStudies())));
        ModelManifest manifest = model.manifest();
        DriftEvaluator.Model judged = new DriftEvaluator.Model(manifest.id(), manifest.version(),
                manifest.findings().stream().map(ModelManifest.Finding::key).toList());
        Instant from = studies.stream().map(MonitoredStudy::createdAt).min(Comparator.naturalOrder()).orElse(now);
        Baseline baseline = window.baseline(from.minus(config.baseline()), from, now);
        return DriftEvaluator.evaluate(studies, baseline, judged, model.referenceProfile(), Thresholds.of(config)).signals();
    }
}
