package org.cxrtriage.app.cli;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import org.cxrtriage.dicom.image.DecodedImage;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.models.reliability.HeaderFacts;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@link HeaderFacts} of one instance: coded values from its {@link InstanceMetadata}, Bits
 * Stored from the decoded image, manufacturer and model name read from the header (the metadata
 * record does not carry them). The triage pipeline should fill HeaderFacts the same way.
 */
public final class DicomHeaderFacts {

    private DicomHeaderFacts() {
    }

    public static HeaderFacts of(Path file, InstanceMetadata metadata, DecodedImage image) throws IOException {
        AttributeList list = new AttributeList();
        try {
            list.read(file.toFile(), TagFromName.PixelData);
        } catch (DicomException e) {
            throw new IOException(file + ": DICOM header cannot be read: " + e.getMessage(), e);
        }
        return new HeaderFacts(metadata.modality(), metadata.photometricInterpretation(), image.bitsStored(),
                Attribute.getSingleStringValueOrEmptyString(list, TagFromName.Manufacturer),
                Attribute.getSingleStringValueOrEmptyString(list, TagFromName.ManufacturerModelName),
                metadata.viewPosition(), metadata.bodyPartExamined());
    }

    /** Mean of row and column spacing in mm, NaN when the header does not state it. */
    public static double pixelSpacingMm(DecodedImage image) {
        return image.pixelSpacingMm().map(s -> (s[0] + s[1]) / 2).orElse(Double.NaN);
    }
}
