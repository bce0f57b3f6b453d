package org.cxrtriage.dicom.image;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Optional;

/**
 * What downstream steps need to know about one instance, read from its header. Patient fields are
 * PHI: never log them at INFO.
 *
 * @param ageYears     from Patient's Age, or from Birth Date and Study Date; empty when unknown
 * @param viewPosition ViewPosition as sent (PA, AP, LL, RL, ...), empty string when absent
 * @param requestedPriority Requested Procedure Priority (STAT, HIGH, ROUTINE, MEDIUM, LOW) if sent
 * @param timezoneOffset    Timezone Offset From UTC (0008,0201), the zone of the study's dates and times, if sent
 * @param pixelSpacingMm    Pixel Spacing, else Imager Pixel Spacing (mm per pixel, rows); NaN when neither is sent
 * @param hasPixelData      whether the object carries pixel data at all
 */
public record InstanceMetadata(
        String sopClassUid,
        String sopInstanceUid,
        String seriesInstanceUid,
        String studyInstanceUid,
        String patientId,
        String patientName,
        String patientSex,
        Optional<LocalDate> patientBirthDate,
        Optional<Integer> ageYears,
        String accessionNumber,
        Optional<LocalDate> studyDate,
        Optional<LocalTime> studyTime,
        String studyDescription,
        String seriesDescription,
        String modality,
        String bodyPartExamined,
        String viewPosition,
        String patientOrientation,
        String laterality,
        Optional<String> requestedPriority,
        String institutionName,
        int rows,
        int columns,
        String photometricInterpretation,
        String issuerOfPatientId,
        Optional<java.time.ZoneOffset> timezoneOffset,
        String manufacturer,
        String manufacturerModelName,
        int bitsStored,
        double pixelSpacingMm,
        boolean hasPixelData) {
}
