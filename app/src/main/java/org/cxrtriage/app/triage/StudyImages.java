package org.cxrtriage.app.triage;

import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.dicom.image.MetadataReader;
import org.cxrtriage.dicom.image.PixelDecoder;
import org.cxrtriage.dicom.image.UndecodableImageException;
import org.cxrtriage.dicom.qc.QcVerdict;
import org.cxrtriage.dicom.qc.QualityCheck;
import org.cxrtriage.models.preprocess.Preprocessor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * From a study's files to a model input: read headers, QC (frontal adult chest radiograph),
 * decode the best frontal image and preprocess it as the model's manifest says. A study that
 * cannot be scored comes back with its reasons, never silently dropped.
 */
public final class StudyImages {

    /**
     * The input for one study, or why there is none.
     *
     * @param headers every readable instance header of the study
     * @param image   the instance chosen for scoring
     */
    public record Prepared(List<InstanceMetadata> headers, QcVerdict verdict, Optional<InstanceMetadata> image,
                           Optional<float[]> input) {
        public boolean scorable() {
            return input.isPresent();
        }
    }

    private final QualityCheck qualityCheck;

    public StudyImages(QualityCheck qualityCheck) {
        this.qualityCheck = qualityCheck;
    }

    public Prepared prepare(List<Path> files, Preprocessor preprocessor) {
        Map<String, Path> fileBySop = new LinkedHashMap<>();
        List<InstanceMetadata> headers = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (Path file : files) {
            try {
                InstanceMetadata metadata = MetadataReader.read(file);
                headers.add(metadata);
                fileBySop.put(metadata.sopInstanceUid(), file);
            } catch (Exception e) {
                unreadable.add(file.getFileName().toString());
            }
        }
        if (headers.isEmpty()) {
            return new Prepared(List.of(), QualityCheck.undecodable("no readable DICOM header in " + unreadable),
                    Optional.empty(), Optional.empty());
        }
        QcVerdict verdict = qualityCheck.check(headers);
        if (!verdict.scorable()) {
            return new Prepared(headers, verdict, Optional.empty(), Optional.empty());
        }
        String lastProblem = "";
        for (InstanceMetadata candidate : verdict.frontal()) {
            try {
                DecodedImage image = PixelDecoder.decode(fileBySop.get(candidate.sopInstanceUid()));
                Optional<double[]> voi = image.window().map(w -> new double[] {w.center(), w.width()});
                float[] input = preprocessor.apply(image.firstFrame(), image.width(), image.height(), voi);
                return new Prepared(headers, verdict, Optional.of(candidate), Optional.of(input));
            } catch (UndecodableImageException e) {
                lastProblem = e.getMessage();
            }
        }
        return new Prepared(headers, QualityCheck.undecodable(lastProblem), Optional.empty(), Optional.empty());
    }
}
