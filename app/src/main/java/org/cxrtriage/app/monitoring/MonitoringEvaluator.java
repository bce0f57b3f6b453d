package org.cxrtriage.app.monitoring;

import jakarta.inject.Singleton;
import org.cxrtriage.app.config.MonitorConfig;
import org.cxrtriage.app.db.Sql;
import org.cxrtriage.models.manifest.ModelManifest;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelRegistry;
import org.cxrtriage.models.reliability.ReferenceProfile;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Makes one {@link Evaluation} from the database and the active model's reference profile: the
 * window of recent studies, the baseline before it, the drift signals, performance from feedback and
 * the subgroups. Runs on the monitoring thread, never on the C-STORE or triage path.
 */
@Singleton
public final class MonitoringEvaluator {

    private final ResultWindow window;
    private final FeedbackLog feedback;
    private final ModelRegistry models;
    private final MonitorConfig config;

    public MonitoringEvaluator(Sql sql, ModelRegistry models, MonitorConfig config) {
        this.window = new ResultWindow(sql);
        this.feedback = new FeedbackLog(sql);
        this.models = models;
        this.config = config;
    }

    /** {@code newestResultId}, {@code newestFeedbackId}: what the database held before reading began. */
    public synchronized Evaluation evaluate(Instant now, long newestResultId, long newestFeedbackId) throws SQLException {
        long start = System.nanoTime();
        LoadedModel active = models.current().active();
        ModelManifest manifest = active.manifest();
        Optional<ReferenceProfile> profile = active.referenceProfile();
        DriftEvaluator.Model model = new DriftEvaluator.Model(manifest.id(), manifest.version(),
                manifest.findings().stream().map(ModelManifest.Finding::key).toList());
        Thresholds thresholds = Thresholds.of(config);

        List<MonitoredStudy> studies = window.load(now, config.window(), config.minStudies(), config.maxStudies());
        Instant from = studies.stream().map(MonitoredStudy::createdAt).min(Comparator.naturalOrder())
                .filter(oldest -> oldest.isBefore(now.minus(config.window()))).orElse(now.minus(config.window()));
        Baseline baseline = window.baseline(from.minus(config.baseline()), from, now);
        DriftEvaluator.Drift drift = DriftEvaluator.evaluate(studies, baseline, model, profile, thresholds);

        Instant feedbackFrom = now.minus(config.feedbackWindow());
        List<FeedbackRow> feedbackRows = feedback.latest(now, config.feedbackWindow());
        FeedbackPerformance.Performance performance = FeedbackPerformance.of(feedbackRows, model.findings(),
                config.disagreementRate(), config.cusumArl());

        List<DriftSignal> signals = new ArrayList<>(drift.signals());
        signals.add(performance.cusum());
        MonitorStatus status = signals.stream().map(DriftSignal::status).reduce(MonitorStatus.OK, MonitorStatus::worse);
        List<String> reasons = signals.stream().filter(s -> s.status() != MonitorStatus.OK)
                .sorted(Comparator.comparing(DriftSignal::status).reversed()).map(DriftSignal::reason).toList();
        List<MonitoredStudy> scored = studies.stream().filter(s -> s.scoredBy(model.id(), model.version())).toList();
        Map<String, Long> notScoredByReason = new TreeMap<>();
        studies.stream().filter(s -> !s.scored()).forEach(s -> notScoredByReason.merge(s.reasonClass(), 1L, Long::sum));
        Evaluation.Window span = new Evaluation.Window(from.toString(), now.toString(), studies.size(), scored.size(),
                drift.notScored(), notScoredByReason, studies.size() - scored.size() - drift.notScored(),
                baseline.from().toString(), baseline.to().toString(), baseline.studies(), feedbackFrom.toString(),
                config.minStudies());
        Evaluation.Model judged = new Evaluation.Model(model.id(), model.version(), profile.map(ReferenceProfile::version).orElse(null),
                profile.map(ReferenceProfile::studyCount).orElse(null));
        return new Evaluation(status.code(), reasons, now.toString(), (System.nanoTime() - start) / 1_000_000, span,
                judged, drift.comparisons(), thresholds, signals, performance, Subgroups.of(scored, feedbackRows),
                newestResultId, newestFeedbackId);
    }
}
