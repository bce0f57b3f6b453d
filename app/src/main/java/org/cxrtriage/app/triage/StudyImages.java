package org.cxrtriage.app.triage;

import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.dicom.image.MetadataReader;
import org.cxrtriage.dicom.image.PixelDecoder;
import org.cxrtriage.dicom.image.UndecodableImageException;
import org.cxrtriage.dicom.qc.QcVerdict;
import org.cxrtriage.dicom.qc.QualityCheck;
import org.cxrtriage.models.preprocess.PreparedImage;
import org.cxrtriage.models.preprocess.Preprocessor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * From a study's files to the image to score: read the headers, check (QC) that there is a frontal
 * adult chest radiograph, and decode it once. Each model then preprocesses the same decoded pixels
 * as its manifest says ({@link #input}). A study that cannot be scored comes back with its reasons.
 */
public final class StudyImages {

    /**
     * The decoded study, or why there is nothing to score.
     *
     * @param headers every readable instance header of the study
     * @param image   the header of the instance chosen for scoring, with its pixels
     */
    public record Decoded(List<InstanceMetadata> headers, QcVerdict verdict, Optional<InstanceMetadata> image,
                          Optional<DecodedImage> pixels) {
        public boolean scorable() {
            return pixels.isPresent();
        }

        /** The header the worklist item shows: the scored image's, else the first readable one. */
        public Optional<InstanceMetadata> details() {
            return image.or(() -> headers.stream().findFirst());
        }
    }

    private final QualityCheck qualityCheck;

    public StudyImages(QualityCheck qualityCheck) {
        this.qualityCheck = qualityCheck;
    }

    public Decoded decode(List<Path> files) {
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
            return new Decoded(List.of(), QualityCheck.undecodable("no readable DICOM header in " + unreadable),
                    Optional.empty(), Optional.empty());
        }
        QcVerdict verdict = qualityCheck.check(headers);
        if (!verdict.scorable()) {
            return new Decoded(headers, verdict, Optional.empty(), Optional.empty());
        }
        String lastProblem = "";
        for (InstanceMetadata candidate : verdict.frontal()) {
            try {
                DecodedImage image = PixelDecoder.decode(fileBySop.get(candidate.sopInstanceUid()));
                return new Decoded(headers, verdict, Optional.of(candidate), Optional.of(image));
            } catch (UndecodableImageException e) {
                lastProblem = e.getMessage();
            }
        }
        return new Decoded(headers, QualityCheck.undecodable(lastProblem), Optional.empty(), Optional.empty());
    }

    /** The decoded image preprocessed for one model. */
    public static float[] input(DecodedImage image, Preprocessor preprocessor) {
        Optional<double[]> voi = image.window().map(w -> new double[] {w.center(), w.width()});
        return preprocessor.apply(image.firstFrame(), image.width(), image.height(), voi);
    }

    /** The decoded image preprocessed for one model, with the image's facts (intensity, geometry) measured on the way. */
    public static PreparedImage prepare(DecodedImage image, InstanceMetadata header, Preprocessor preprocessor) {
        Optional<double[]> voi = image.window().map(w -> new double[] {w.center(), w.width()});
        return preprocessor.prepare(image.firstFrame(), image.width(), image.height(), voi, header.pixelSpacingMm());
    }
}
