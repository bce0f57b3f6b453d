package org.cxrtriage.testdata;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Writes a {@link PhantomSpec} as an uncompressed DICOM Part 10 file (implicit or explicit little
 * endian, explicit big endian). Compressed syntaxes are produced from these by {@link Transcoder}.
 */
public final class DicomPhantomWriter {

    private static final String GENERATOR_AE = "CXRPHANTOM";

    private DicomPhantomWriter() {
    }

    /** Writes the phantom and returns the pixel values a correct decoder must produce. */
    public static PhantomPixels write(PhantomSpec spec, Path file, String transferSyntax)
            throws IOException, DicomException {
        PhantomPixels pixels = PhantomPixels.of(spec);
        write(spec, pixels, file, transferSyntax);
        return pixels;
    }

    /** Writes already rendered pixels under the spec's identity (fast copies for benchmarks). */
    public static void write(PhantomSpec spec, PhantomPixels pixels, Path file, String transferSyntax)
            throws IOException, DicomException {
        AttributeList list = attributes(spec, pixels);
        FileMetaInformation.addFileMetaInformation(list, transferSyntax, GENERATOR_AE);
        list.write(file.toFile(), transferSyntax, true, true);
    }

    static AttributeList attributes(PhantomSpec spec, PhantomPixels pixels) throws DicomException {
        PhantomIdentity id = spec.identity();
        AttributeList list = new AttributeList();
        LocalDateTime now = LocalDateTime.now();
        String date = now.format(DateTimeFormatter.BASIC_ISO_DATE);
        String time = now.format(DateTimeFormatter.ofPattern("HHmmss"));
        put(list, TagFromName.SpecificCharacterSet, "ISO_IR 100");
        put(list, TagFromName.SOPClassUID, SopClass.forModality(spec.modality()));
        put(list, TagFromName.SOPInstanceUID, id.sopInstanceUid());
        put(list, TagFromName.StudyInstanceUID, id.studyInstanceUid());
        put(list, TagFromName.SeriesInstanceUID, id.seriesInstanceUid());
        put(list, TagFromName.StudyDate, date);
        put(list, TagFromName.StudyTime, time);
        put(list, TagFromName.ContentDate, date);
        put(list, TagFromName.ContentTime, time);
        put(list, TagFromName.AccessionNumber, id.accessionNumber());
        put(list, TagFromName.Modality, spec.modality());
        put(list, TagFromName.Manufacturer, "cxr-triage synthetic phantom");
        put(list, TagFromName.InstitutionName, "Phantom General Hospital");
        put(list, TagFromName.ReferringPhysicianName, "");
        put(list, TagFromName.StudyDescription, spec.bodyPart() + " " + spec.view().viewPosition());
        put(list, TagFromName.SeriesDescription, spec.view().name());
        put(list, TagFromName.PatientName, id.patientName());
        put(list, TagFromName.PatientID, id.patientId());
        put(list, TagFromName.PatientBirthDate,
                LocalDate.now().minusYears(spec.patientAgeYears()).minusDays(30).format(DateTimeFormatter.BASIC_ISO_DATE));
        put(list, TagFromName.PatientSex, id.patientSex());
        put(list, TagFromName.PatientAge, String.format("%03dY", spec.patientAgeYears()));
        put(list, TagFromName.BodyPartExamined, spec.bodyPart());
        put(list, TagFromName.ViewPosition, spec.view().viewPosition());
        put(list, TagFromName.StudyID, "1");
        put(list, TagFromName.SeriesNumber, "1");
        put(list, TagFromName.InstanceNumber, "1");
        put(list, TagFromName.PatientOrientation, spec.view() == View.LATERAL ? "A\\F" : "L\\F");
        put(list, TagFromName.ImageLaterality, "U");
        if (spec.modality().equals("DX")) {
            put(list, TagFromName.PresentationIntentType, "FOR PRESENTATION");
            put(list, TagFromName.ImageType, "ORIGINAL\\PRIMARY");
        }
        if (spec.modality().equals("OT")) {
            put(list, TagFromName.ConversionType, "WSD");
        }
        put(list, TagFromName.PixelSpacing, "0.143\\0.143");
        put(list, TagFromName.SamplesPerPixel, "1");
        put(list, TagFromName.PhotometricInterpretation, spec.monochrome1() ? "MONOCHROME1" : "MONOCHROME2");
        put(list, TagFromName.Rows, Integer.toString(spec.height()));
        put(list, TagFromName.Columns, Integer.toString(spec.width()));
        int allocated = spec.bitsStored() == 8 ? 8 : 16;
        put(list, TagFromName.BitsAllocated, Integer.toString(allocated));
        put(list, TagFromName.BitsStored, Integer.toString(spec.bitsStored()));
        put(list, TagFromName.HighBit, Integer.toString(spec.bitsStored() - 1));
        put(list, TagFromName.PixelRepresentation, spec.signed() ? "1" : "0");
        put(list, TagFromName.RescaleIntercept, Double.toString(pixels.rescaleIntercept()));
        put(list, TagFromName.RescaleSlope, "1");
        put(list, TagFromName.RescaleType, "US");
        put(list, TagFromName.WindowCenter, Long.toString(Math.round(pixels.maxModalityValue() / 2.0)));
        put(list, TagFromName.WindowWidth, Long.toString(Math.round(pixels.maxModalityValue())));
        list.put(pixelData(spec, pixels.stored()));
        return list;
    }

    private static Attribute pixelData(PhantomSpec spec, int[] stored) throws DicomException {
        if (spec.bitsStored() == 8) {
            byte[] bytes = new byte[stored.length];
            for (int i = 0; i < stored.length; i++) {
                bytes[i] = (byte) stored[i];
            }
            OtherByteAttribute attribute = new OtherByteAttribute(TagFromName.PixelData);
            attribute.setValues(bytes);
            return attribute;
        }
        short[] words = new short[stored.length];
        for (int i = 0; i < stored.length; i++) {
            words[i] = (short) stored[i];
        }
        OtherWordAttribute attribute = new OtherWordAttribute(TagFromName.PixelData);
        attribute.setValues(words);
        return attribute;
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws DicomException {
        Attribute attribute = list.putNewAttribute(tag);
        if (!value.isEmpty()) {
            attribute.addValue(value);
        }
    }
}
