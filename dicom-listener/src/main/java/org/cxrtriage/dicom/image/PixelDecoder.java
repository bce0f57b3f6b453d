package org.cxrtriage.dicom.image;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.display.SourceImage;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decodes a spooled grayscale instance in any accepted transfer syntax to {@link DecodedImage}:
 * stored values masked to Bits Stored and sign-extended when signed (PixelMed hands signed data
 * back as unsigned), then the Modality LUT (slope/intercept), then MONOCHROME1 inversion.
 * Compressed syntaxes go through PixelMed's codecs (JPEG lossless from pixelmed_imageio,
 * JPEG 2000 from jai-imageio).
 */
public final class PixelDecoder {

    private PixelDecoder() {
    }

    public static DecodedImage decode(Path file) throws UndecodableImageException {
        AttributeList list = new AttributeList();
        try {
            list.read(file.toFile());
        } catch (IOException | DicomException e) {
            throw new UndecodableImageException("cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        }
        return decode(list);
    }

    public static DecodedImage decode(AttributeList list) throws UndecodableImageException {
        String photometric = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PhotometricInterpretation).trim();
        int samples = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
        if (samples != 1 || !(photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"))) {
            throw new UndecodableImageException("not a grayscale image (" + photometric + ", " + samples + " samples)");
        }
        int bitsStored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, 0);
        if (bitsStored < 1 || bitsStored > 16) {
            throw new UndecodableImageException("unsupported Bits Stored " + bitsStored);
        }
        boolean signed = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1;
        double slope = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, 1.0);
        double intercept = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, 0.0);
        if (slope == 0.0) {
            slope = 1.0;
        }
        boolean monochrome1 = photometric.equals("MONOCHROME1");
        ValueRange range = ValueRange.of(bitsStored, signed, slope, intercept);
        ModalityMapping mapping = new ModalityMapping(bitsStored, signed, slope, intercept, monochrome1, range);

        List<float[]> frames = new ArrayList<>();
        int width;
        int height;
        try {
            SourceImage source = new SourceImage(list);
            width = source.getWidth();
            height = source.getHeight();
            int count = Math.max(1, source.getNumberOfBufferedImages());
            for (int frame = 0; frame < count; frame++) {
                BufferedImage image = source.getBufferedImage(frame);
                if (image == null) {
                    throw new UndecodableImageException("frame " + frame + " could not be decoded");
                }
                frames.add(mapping.apply(image.getRaster()));
            }
        } catch (DicomException | RuntimeException e) {
            throw new UndecodableImageException("cannot decode pixel data: " + e.getMessage(), e);
        }
        return new DecodedImage(width, height, frames, bitsStored, signed, monochrome1,
                range.min(), range.max(), pixelSpacing(list), window(list, mapping));
    }

    private static Optional<double[]> pixelSpacing(AttributeList list) {
        for (var tag : List.of(TagFromName.PixelSpacing, TagFromName.ImagerPixelSpacing)) {
            Attribute attribute = list.get(tag);
            if (attribute != null && attribute.getVM() == 2) {
                try {
                    double[] values = attribute.getDoubleValues();
                    if (values[0] > 0 && values[1] > 0) {
                        return Optional.of(values);
                    }
                } catch (DicomException ignored) {
                    // malformed spacing is treated as absent
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<DecodedImage.VoiWindow> window(AttributeList list, ModalityMapping mapping) {
        double center = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.WindowCenter, Double.NaN);
        double width = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.WindowWidth, Double.NaN);
        if (Double.isNaN(center) || Double.isNaN(width) || width <= 0) {
            return Optional.empty();
        }
        return Optional.of(new DecodedImage.VoiWindow(mapping.invertIfNeeded(center), width));
    }

    /** The smallest and largest modality value the stored bits can express. */
    record ValueRange(double min, double max) {
        static ValueRange of(int bitsStored, boolean signed, double slope, double intercept) {
            long lowStored = signed ? -(1L << (bitsStored - 1)) : 0;
            long highStored = signed ? (1L << (bitsStored - 1)) - 1 : (1L << bitsStored) - 1;
            double a = lowStored * slope + intercept;
            double b = highStored * slope + intercept;
            return new ValueRange(Math.min(a, b), Math.max(a, b));
        }
    }

    /** Stored sample to modality value, inverted for MONOCHROME1 within the representable range. */
    private record ModalityMapping(int bitsStored, boolean signed, double slope, double intercept,
                                   boolean monochrome1, ValueRange range) {

        float[] apply(Raster raster) {
            int width = raster.getWidth();
            int height = raster.getHeight();
            int[] samples = raster.getSamples(raster.getMinX(), raster.getMinY(), width, height, 0, (int[]) null);
            float[] values = new float[samples.length];
            int mask = (1 << bitsStored) - 1;
            int signBit = 1 << (bitsStored - 1);
            for (int i = 0; i < samples.length; i++) {
                int stored = samples[i] & mask;
                if (signed && (stored & signBit) != 0) {
                    stored -= 1 << bitsStored;
                }
                values[i] = (float) invertIfNeeded(stored * slope + intercept);
            }
            return values;
        }

        double invertIfNeeded(double value) {
            return monochrome1 ? range.min() + range.max() - value : value;
        }
    }
}
