package org.cxrtriage.dicom.image;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@link InstanceMetadata} from the header of a spooled instance (pixel data is not read). */
public final class MetadataReader {

    private static final AttributeTag REQUESTED_PROCEDURE_PRIORITY = new AttributeTag(0x0040, 0x1003);
    private static final AttributeTag REQUEST_ATTRIBUTES_SEQUENCE = new AttributeTag(0x0040, 0x0275);
    private static final Pattern AGE = Pattern.compile("(\\d{3})([DWMY])");

    private MetadataReader() {
    }

    public static InstanceMetadata read(Path file) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        StopAtPixelData stop = new StopAtPixelData(list);
        list.read(file.toFile(), stop);
        return from(list, stop.reached);
    }

    /** From a data set read whole, pixel data included when it has any. */
    public static InstanceMetadata from(AttributeList list) {
        return from(list, list.get(TagFromName.PixelData) != null || list.get(TagFromName.FloatPixelData) != null
                || list.get(TagFromName.DoubleFloatPixelData) != null);
    }

    /**
     * Stops reading the top-level data set where its pixel data begins, and remembers whether it got
     * there: the header is all QC needs, but "no pixel data" must not be mistaken for "not read".
     * Pixel data inside a sequence (an icon image) does not count.
     */
    private static final class StopAtPixelData implements AttributeList.ReadTerminationStrategy {
        private final AttributeList top;
        private boolean reached;

        StopAtPixelData(AttributeList top) {
            this.top = top;
        }

        @Override
        public boolean terminate(AttributeList list, AttributeTag tag, long byteOffset) {
            if (list != top || tag.getGroup() < 0x7FE0) {
                return false;
            }
            reached = tag.equals(TagFromName.PixelData) || tag.equals(TagFromName.FloatPixelData)
                    || tag.equals(TagFromName.DoubleFloatPixelData);
            return reached;
        }
    }

    private static InstanceMetadata from(AttributeList list, boolean hasPixelData) {
        Optional<LocalDate> birthDate = date(text(list, TagFromName.PatientBirthDate));
        Optional<LocalDate> studyDate = date(text(list, TagFromName.StudyDate));
        Optional<Integer> age = age(text(list, TagFromName.PatientAge));
        if (age.isEmpty() && birthDate.isPresent()) {
            LocalDate at = studyDate.orElse(LocalDate.now());
            age = Optional.of(Period.between(birthDate.get(), at).getYears());
        }
        String laterality = text(list, TagFromName.ImageLaterality);
        if (laterality.isEmpty()) {
            laterality = text(list, TagFromName.Laterality);
        }
        return new InstanceMetadata(
                text(list, TagFromName.SOPClassUID),
                text(list, TagFromName.SOPInstanceUID),
                text(list, TagFromName.SeriesInstanceUID),
                text(list, TagFromName.StudyInstanceUID),
                text(list, TagFromName.PatientID),
                text(list, TagFromName.PatientName, PERSON_NAME),
                text(list, TagFromName.PatientSex, SHORT),
                birthDate,
                age,
                text(list, TagFromName.AccessionNumber, SHORT),
                studyDate,
                time(text(list, TagFromName.StudyTime)),
                text(list, TagFromName.StudyDescription),
                text(list, TagFromName.SeriesDescription),
                text(list, TagFromName.Modality, SHORT),
                text(list, TagFromName.BodyPartExamined, SHORT).toUpperCase(Locale.ROOT),
                text(list, TagFromName.ViewPosition, SHORT).toUpperCase(Locale.ROOT),
                Attribute.getDelimitedStringValuesOrEmptyString(list, TagFromName.PatientOrientation).trim(),
                laterality,
                requestedPriority(list),
                text(list, TagFromName.InstitutionName),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0),
                text(list, TagFromName.PhotometricInterpretation, SHORT),
                text(list, TagFromName.IssuerOfPatientID),
                timezone(text(list, TagFromName.TimezoneOffsetFromUTC, SHORT)),
                text(list, TagFromName.Manufacturer),
                text(list, TagFromName.ManufacturerModelName),
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, 0),
                pixelSpacing(list),
                hasPixelData);
    }

    private static Optional<String> requestedPriority(AttributeList list) {
        String direct = text(list, REQUESTED_PROCEDURE_PRIORITY, SHORT);
        if (!direct.isEmpty()) {
            return Optional.of(direct.toUpperCase(Locale.ROOT));
        }
        Attribute sequence = list.get(REQUEST_ATTRIBUTES_SEQUENCE);
        if (sequence instanceof SequenceAttribute items && items.getNumberOfItems() > 0) {
            String nested = text(items.getItem(0).getAttributeList(), REQUESTED_PROCEDURE_PRIORITY, SHORT);
            if (!nested.isEmpty()) {
                return Optional.of(nested.toUpperCase(Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    /** "+0100", "-0530": the offset of the study's local dates and times from UTC (PS3.3 C.12.1.1.8). */
    static Optional<java.time.ZoneOffset> timezone(String value) {
        if (!value.matches("[+-]\\d{4}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.time.ZoneOffset.ofHoursMinutes(Integer.parseInt(value.substring(0, 3)),
                    Integer.parseInt(value.charAt(0) + value.substring(3, 5))));
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    /** Pixel Spacing, else Imager Pixel Spacing, in mm (the row spacing); NaN when neither is usable. */
    static double pixelSpacing(AttributeList list) {
        for (AttributeTag tag : new AttributeTag[] {TagFromName.PixelSpacing, TagFromName.ImagerPixelSpacing}) {
            double[] values = Attribute.getDoubleValues(list, tag);
            if (values != null && values.length > 0 && values[0] > 0 && values[0] < 10) {
                return values[0];
            }
        }
        return Double.NaN;
    }

    static Optional<Integer> age(String patientAge) {
        Matcher matcher = AGE.matcher(patientAge);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        int value = Integer.parseInt(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "Y" -> value;
            case "M" -> value / 12;
            case "W" -> value / 52;
            default -> value / 365;
        });
    }

    private static Optional<LocalDate> date(String value) {
        if (value.length() < 8) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(value.substring(0, 8), DateTimeFormatter.BASIC_ISO_DATE));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<LocalTime> time(String value) {
        String digits = value.replace(":", "");
        if (digits.length() < 4) {
            return Optional.empty();
        }
        try {
            int hour = Integer.parseInt(digits.substring(0, 2));
            int minute = Integer.parseInt(digits.substring(2, 4));
            int second = digits.length() >= 6 ? Integer.parseInt(digits.substring(4, 6)) : 0;
            return Optional.of(LocalTime.of(hour, minute, second));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The longest value kept: LO (and one PN component group) is 64 characters (PS3.5 6.2). */
    private static final int LONGEST = 64;
    /** CS and SH values: 16 characters. */
    private static final int SHORT = 16;
    /** A person name: three component groups of 64 characters and their two separators. */
    private static final int PERSON_NAME = 3 * 64 + 2;

    private static String text(AttributeList list, AttributeTag tag) {
        return text(list, tag, LONGEST);
    }

    /**
     * A header value as the rest of the system may use it: control characters (line breaks, escape
     * sequences, NUL) replaced by spaces and the value cut to {@code max} characters, so a value ten
     * times its VR's length or full of terminal escapes can reach no log, reason text or column whole.
     */
    private static String text(AttributeList list, AttributeTag tag, int max) {
        String value = Attribute.getSingleStringValueOrEmptyString(list, tag).replaceAll("[\\p{Cntrl}\\x{80}-\\x{9F}]", " ")
                .strip();
        return value.length() <= max ? value : value.substring(0, max).strip();
    }
}
