package org.cxrtriage.app.triage;

import jakarta.inject.Singleton;
import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.dicom.qc.QcPolicy;
import org.cxrtriage.dicom.qc.QualityCheck;
import org.cxrtriage.models.preprocess.PreparedImage;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelRegistry;
import org.cxrtriage.models.registry.ModelScore;
import org.cxrtriage.models.reliability.HeaderFacts;
import org.cxrtriage.models.reliability.Observation;
import org.cxrtriage.models.reliability.Verdict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One study's way through triage, step by step, with nothing stored: decode and QC once, then per
 * model preprocess, score and calibrate (inside the model), judge whether the image is like the
 * model's reference data (the reliability verdict), and decide the worklist priority. The active
 * model's outcome decides; shadow models' are recorded beside it. Each step is timed.
 */
@Singleton
public final class TriagePipeline {

    private final StudyImages studyImages;
    private final StepTimer steps;
    private final AiSuspension suspension;

    public TriagePipeline(QcPolicy qc, StepTimer steps, AiSuspension suspension) {
        this.studyImages = new StudyImages(new QualityCheck(qc));
        this.steps = steps;
        this.suspension = suspension;
    }

    /** Triages the study whose spooled files are {@code files} with the models of {@code models}. */
    public StudyOutcome triage(List<Path> files, ModelRegistry.Snapshot models) {
        StudyImages.Decoded decoded = steps.time("decode_qc", () -> studyImages.decode(files));
        Optional<String> requested = decoded.details().flatMap(InstanceMetadata::requestedPriority);
        if (!decoded.scorable()) {
            String reason = HeaderValues.bound(decoded.verdict().summary(), 300);
            return new StudyOutcome(decoded.details(), models.active().manifest(), Outcome.notScored(reason, requested, false),
                    List.of());
        }
        DecodedImage image = decoded.pixels().orElseThrow();
        InstanceMetadata header = decoded.image().orElseThrow();
        Optional<String> suspended = suspension.reason();
        Outcome active = score(models.active(), image, header, requested, suspended, false);
        List<Outcome> shadows = new ArrayList<>();
        for (LoadedModel shadow : models.shadows()) {
            shadows.add(score(shadow, image, header, requested, Optional.empty(), true));
        }
        return new StudyOutcome(decoded.details(), models.active().manifest(), active, shadows);
    }

    private Outcome score(LoadedModel model, DecodedImage image, InstanceMetadata header, Optional<String> requested,
                          Optional<String> suspended, boolean shadow) {
        PreparedImage prepared = steps.time("preprocess", () -> StudyImages.prepare(image, header, model.preprocessor()));
        ModelScore score = steps.time("infer", () -> model.score(prepared.input()).join());
        HeaderFacts facts = headerFacts(header);
        Verdict verdict = steps.time("verdict", () -> model.judge(new Observation(prepared.facts(), facts, score.embedding(),
                score.findings())));
        Map<String, String> categorical = new LinkedHashMap<>(facts.categorical());
        return Outcome.scored(score, verdict, new Outcome.Facts(prepared.facts().numeric(), categorical),
                header.sopInstanceUid(), requested, suspended, shadow);
    }

    /** The header values the reliability verdict and population monitoring compare with the reference. */
    static HeaderFacts headerFacts(InstanceMetadata header) {
        return new HeaderFacts(header.modality(), header.photometricInterpretation(), header.bitsStored(),
                header.manufacturer(), header.manufacturerModelName(), header.viewPosition(), header.bodyPartExamined());
    }
}
