package org.cxrtriage.app.models;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.config.MonitorConfig;
import org.cxrtriage.app.monitoring.CanaryGuard;
import org.cxrtriage.app.monitoring.DriftSignal;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.app.triage.rollout.ModelRollout;
import org.cxrtriage.app.triage.rollout.ModelVersion;
import org.cxrtriage.app.triage.rollout.RolloutHistory;
import org.cxrtriage.app.triage.rollout.RolloutModels;
import org.cxrtriage.app.triage.rollout.VersionComparison;
import org.cxrtriage.app.worklist.StudyLinks;
import org.cxrtriage.compliance.AuditAction;

import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/admin/models/{id}/{version}/comparison} for administrators: a version against the
 * active version on the same studies ({@link VersionComparison}) and the version's own monitoring
 * signals ({@link CanaryGuard#signals}). It lists disagreeing studies by accession number and study
 * UID, so every read is audited ({@code model.comparison}, naming each listed study's Task) before
 * the answer leaves, like the worklist's reads.
 */
@Controller("/api/admin/models")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class ModelComparisonController {

    private final ModelRollout rollout;
    private final RolloutModels running;
    private final VersionComparison comparison;
    private final CanaryGuard guard;
    private final MonitorConfig monitor;
    private final StudyLinks links;
    private final AuditTrail audit;

    public ModelComparisonController(ModelRollout rollout, RolloutModels running, VersionComparison comparison,
                                     CanaryGuard guard, MonitorConfig monitor, StudyLinks links, AuditTrail audit) {
        this.rollout = rollout;
        this.running = running;
        this.comparison = comparison;
        this.guard = guard;
        this.monitor = monitor;
        this.links = links;
        this.audit = audit;
    }

    @Get("/{id}/{version}/comparison")
    public HttpResponse<Map<String, Object>> comparison(@PathVariable String id, @PathVariable String version,
                                                        HttpRequest<?> request) throws SQLException {
        Optional<ModelVersion> candidate = rollout.find(id, version);
        if (candidate.isEmpty()) {
            return HttpResponse.<Map<String, Object>>notFound().body(Map.of("error", "model " + id + " has no installed version '"
                    + version + "'; GET /api/admin/models lists the installed versions"));
        }
        VersionComparison.Result result = comparison.compare(candidate.get());
        List<String> studies = result.disagreements().stream().map(VersionComparison.Disagreement::studyInstanceUid)
                .distinct().toList();
        String admin = AccessFilter.principal(request).map(Principal::name).orElse("unknown");
        audit.user(admin, AuditAction.MODEL_COMPARISON, null, studies.stream().map(References::task).toList(), true,
                AccessFilter.source(request), "comparison of " + candidate.get().label() + " with the active version: "
                        + result.pairs() + " pair(s), " + studies.size() + " disagreeing study(ies) listed");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", RolloutHistory.version(candidate.get()));
        body.put("activeVersions", result.activeVersions());
        body.put("pairs", result.pairs());
        body.put("pairsAvailable", result.pairsAvailable());
        body.put("maxPairs", VersionComparison.MAX_PAIRS);
        body.put("findings", result.findings());
        body.put("disagreeingStudies", result.disagreeingStudies());
        body.put("maxStudiesListed", VersionComparison.MAX_STUDIES_LISTED);
        body.put("disagreements", result.disagreements().stream().map(this::disagreement).toList());
        signals(candidate.get(), body);
        return HttpResponse.ok(body);
    }

    private Map<String, Object> disagreement(VersionComparison.Disagreement d) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("accessionNumber", d.accessionNumber());
        row.put("studyDate", d.studyDate());
        row.put("studyInstanceUid", d.studyInstanceUid());
        row.put("worklistLink", links.worklist(d.studyInstanceUid()));
        row.put("finding", d.finding());
        row.put("display", d.display());
        row.put("candidateProbability", d.candidateProbability());
        row.put("candidatePositive", d.candidatePositive());
        row.put("activeProbability", d.activeProbability());
        row.put("activePositive", d.activePositive());
        return row;
    }

    /** The version's own signals, when this node runs it; otherwise a note why there are none. */
    private void signals(ModelVersion version, Map<String, Object> body) throws SQLException {
        Optional<RolloutModels.Running> loaded = running.running().stream()
                .filter(r -> r.version().modelId().equals(version.modelId()) && r.version().version().equals(version.version()))
                .findFirst();
        List<DriftSignal> signals = loaded.isEmpty() ? List.of() : guard.signals(version, loaded.get().model(), Instant.now());
        body.put("signals", signals);
        body.put("signalsNote", loaded.isEmpty() ? "not computed: this node does not run " + version.label() + " ("
                + version.state().code() + ")"
                : signals.size() <= 1 ? "the disagreement CUSUM against the active version only; the drift signals need "
                + monitor.minStudies() + " results of this version since " + version.stateSince() + " (TRIAGE_MONITOR_MIN_STUDIES)"
                : "over the results of this version since it became " + version.state().code() + " at " + version.stateSince()
                + ": its disagreement CUSUM against the active version, and drift against its reference profile and this site's"
                + " baseline");
    }
}
