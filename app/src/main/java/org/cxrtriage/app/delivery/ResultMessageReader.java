package org.cxrtriage.app.delivery;

import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.ModelDevice;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.app.delivery.ResultMessage.Finding;
import org.cxrtriage.app.delivery.ResultMessage.Interpretation;
import org.cxrtriage.app.delivery.ResultMessage.Outcome;
import org.cxrtriage.app.worklist.BusinessStatus;
import org.cxrtriage.app.worklist.FindingRow;
import org.cxrtriage.app.worklist.InstanceFile;
import org.cxrtriage.app.worklist.ResultRow;
import org.cxrtriage.app.worklist.StudyLinks;
import org.cxrtriage.app.worklist.StudyRow;
import org.cxrtriage.app.worklist.WorklistQueries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rebuilds a {@link ResultMessage} from the database: the result and its findings, the study's
 * details, the scored instance (with its spooled file while retention keeps it) and the decision
 * stored with the result. Called at every attempt, so an outbox row holds no copy of the message;
 * the same rows give the same message.
 */
@Singleton
public final class ResultMessageReader {

    private final WorklistQueries queries;
    private final StudyLinks links;
    private final Path dataDir;

    public ResultMessageReader(WorklistQueries queries, StudyLinks links, StorageConfig storage) {
        this.queries = queries;
        this.links = links;
        this.dataDir = storage.dataDir();
    }

    /**
     * The message for the result {@code decision} was stored with.
     *
     * @param supersedes the earlier version this one replaces at its destination, if one was delivered there
     * @throws IllegalStateException when the result or its study is missing, which the foreign keys forbid
     */
    ResultMessage read(OutboxMessage decision, Optional<ResultMessage.Previous> supersedes) throws SQLException {
        ResultRow result = queries.result(decision.resultId()).orElseThrow(() ->
                new IllegalStateException("result " + decision.resultId() + " is not in the database"));
        StudyRow study = queries.study(result.studyUid()).orElseThrow(() ->
                new IllegalStateException("study " + result.studyUid() + " is not in the database"));
        List<FindingRow> findings = decision.outcome().scoresShown() ? queries.findings(result.id()) : List.of();
        Optional<InstanceFile> source = result.sopInstanceUid() == null ? Optional.empty()
                : queries.instanceFile(result.sopInstanceUid());
        return new ResultMessage(result.studyUid(), decision.revision(), result.id(), supersedes, outcome(decision.outcome()),
                outcomeText(decision.outcome(), result.reason()), study(study, source), source.map(this::sourceImage),
                decision.priority().code(), decision.raisedByAi(), model(result, findings),
                findings.stream().map(ResultMessageReader::finding).toList(), result.createdAt().toInstant(),
                Optional.of(links.worklist(result.studyUid())), links.viewer(result.studyUid(), text(study.accession())));
    }

    static Outcome outcome(BusinessStatus status) {
        return switch (status) {
            case SCORED, SUSPENDED -> Outcome.SCORED;
            case UNRELIABLE -> Outcome.UNRELIABLE;
            case NOT_SCORED, ERROR -> Outcome.NOT_SCORED;
        };
    }

    /** "scored", "unreliable: ...", "AI triage suspended: ...", "not scored: lateral view only", "not scored: error: ...". */
    static String outcomeText(BusinessStatus status, String reason) {
        String why = text(reason);
        return switch (status) {
            case SCORED -> "scored";
            case UNRELIABLE, SUSPENDED -> why.isEmpty() ? status.display() : why;
            case NOT_SCORED, ERROR -> "not scored" + (why.isEmpty() ? "" : ": " + why);
        };
    }

    private static ResultMessage.Study study(StudyRow study, Optional<InstanceFile> source) {
        OffsetDateTime started = study.started();
        return new ResultMessage.Study(study.patientName(), study.patientId(), study.issuerOfPatientId(),
                Optional.ofNullable(study.birthDate()), study.patientSex(), study.accession(), "",
                Optional.ofNullable(started).map(OffsetDateTime::toLocalDate),
                Optional.ofNullable(started).map(OffsetDateTime::toLocalTime), study.description(), "", study.modality(),
                source.map(InstanceFile::callingAeTitle).orElse(""));
    }

    private ResultMessage.SourceImage sourceImage(InstanceFile instance) {
        Optional<Path> file = instance.spoolPath().map(dataDir::resolve).filter(Files::isRegularFile);
        return new ResultMessage.SourceImage(instance.sopClassUid(), instance.sopInstanceUid(), instance.seriesUid(), file);
    }

    private static ResultMessage.Model model(ResultRow result, List<FindingRow> findings) {
        Map<String, String> calibrations = new LinkedHashMap<>();
        findings.forEach(finding -> calibrations.put(finding.key(), finding.calibrationVersion()));
        String device = result.modelId() == null ? "" : ModelDevice.id(result.modelId(), text(result.modelSha256()));
        return new ResultMessage.Model(result.modelId(), result.modelVersion(), result.modelSha256(), device, calibrations);
    }

    /** Positive or negative at the finding's operating point; indeterminate without one. */
    private static Finding finding(FindingRow row) {
        Interpretation interpretation = row.threshold() == null ? Interpretation.INDETERMINATE
                : row.positive() ? Interpretation.POSITIVE : Interpretation.NEGATIVE;
        return new Finding(row.key(), row.display(), row.codeSystem(), row.code(), row.probability(),
                Optional.ofNullable(row.threshold()), interpretation, row.critical());
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
