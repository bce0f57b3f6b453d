package org.cxrtriage.app.triage;

import jakarta.inject.Singleton;
import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.dicom.qc.QcPolicy;
import org.cxrtriage.dicom.qc.QualityCheck;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.registry.ModelRegistry;
import org.cxrtriage.models.registry.ModelScore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One study's way through triage, step by step, with nothing stored: decode and QC once, then per
 * model preprocess, score and calibrate (inside the model), and decide the worklist priority. The
 * active model's outcome decides; shadow models' are recorded beside it. Each step is timed.
 */
@Singleton
public final class TriagePipeline {

    private final StudyImages studyImages;
    private final StepTimer steps;

    public TriagePipeline(QcPolicy qc, StepTimer steps) {
        this.studyImages = new StudyImages(new QualityCheck(qc));
        this.steps = steps;
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
        String sop = decoded.image().orElseThrow().sopInstanceUid();
        Outcome active = Outcome.scored(score(models.active(), image), sop, requested, false);
        List<Outcome> shadows = new ArrayList<>();
        for (LoadedModel shadow : models.shadows()) {
            shadows.add(Outcome.scored(score(shadow, image), sop, requested, true));
        }
        return new StudyOutcome(decoded.details(), models.active().manifest(), active, shadows);
    }

    private ModelScore score(LoadedModel model, DecodedImage image) {
        float[] input = steps.time("preprocess", () -> StudyImages.input(image, model.preprocessor()));
        return steps.time("infer", () -> model.score(input).join());
    }
}
