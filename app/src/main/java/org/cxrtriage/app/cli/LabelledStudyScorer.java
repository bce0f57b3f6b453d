package org.cxrtriage.app.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.cxrtriage.app.triage.StudyImages;
import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.dicom.image.PixelDecoder;
import org.cxrtriage.dicom.qc.QcPolicy;
import org.cxrtriage.dicom.qc.QualityCheck;
import org.cxrtriage.models.inference.RawOutput;
import org.cxrtriage.models.preprocess.PreparedImage;
import org.cxrtriage.models.registry.LoadedModel;
import org.cxrtriage.models.reliability.HeaderFacts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores labelled studies for calibration exactly as the server would: the server's own header
 * reading, QC and choice of image ({@link StudyImages}), decoding and preprocessing; and keeps
 * what the reference profile needs (image and header facts, the embedding).
 */
final class LabelledStudyScorer {

    /** One scored study. */
    record ScoredStudy(RawOutput output, PreparedImage image, HeaderFacts header) {
    }

    private final StudyImages studyImages = new StudyImages(new QualityCheck(QcPolicy.defaults()));

    /**
     * @param filesByStudy the study's files by Study Instance UID
     * @param fileBySop    every file by SOP Instance UID, to find the image QC chose
     * @return the scored studies by Study Instance UID; unscorable studies are counted on stderr
     */
    Map<String, ScoredStudy> score(LoadedModel model, Map<String, List<Path>> filesByStudy, Map<String, Path> fileBySop)
            throws IOException {
        Map<String, ScoredStudy> scored = new LinkedHashMap<>();
        int notScored = 0;
        try (ProgressBar progress = new ProgressBarBuilder().setTaskName("scoring").setInitialMax(filesByStudy.size())
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err)).build()) {
            for (Map.Entry<String, List<Path>> study : filesByStudy.entrySet()) {
                StudyImages.Decoded decoded = studyImages.decode(study.getValue());
                if (decoded.scorable()) {
                    scored.put(study.getKey(), score(model, decoded, fileBySop));
                } else {
                    notScored++;
                }
                progress.step();
            }
        }
        if (notScored > 0) {
            System.err.printf("%d studies could not be scored (not frontal adult chest radiographs, or undecodable)"
                    + " and are left out%n", notScored);
        }
        return scored;
    }

    /** Preprocesses the image QC chose, as the server's pipeline does, and keeps its facts. */
    private static ScoredStudy score(LoadedModel model, StudyImages.Decoded decoded, Map<String, Path> fileBySop)
            throws IOException {
        InstanceMetadata chosen = decoded.image().orElseThrow();
        DecodedImage image = decoded.pixels().orElseThrow();
        Path file = fileBySop.get(chosen.sopInstanceUid());
        Optional<double[]> voi = image.window().map(w -> new double[] {w.center(), w.width()});
        PreparedImage facts = model.preprocessor().prepare(image.firstFrame(), image.width(), image.height(), voi,
                DicomHeaderFacts.pixelSpacingMm(image));
        RawOutput output = model.run(facts.input()).join();
        return new ScoredStudy(output, facts, DicomHeaderFacts.of(file, chosen, image));
    }
}
