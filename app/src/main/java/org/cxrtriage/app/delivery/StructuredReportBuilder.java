package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import org.cxrtriage.app.delivery.ResultMessage.Finding;
import org.cxrtriage.app.delivery.ResultMessage.SourceImage;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * Turns one {@link ResultMessage} into a DICOM Comprehensive 3D SR (TID 1500) in a new series of
 * the same study. The output is a pure function of the message and this builder's settings: the
 * SOP Instance UID and every date and time derive from the message, so building the same message
 * again gives the same instance and a PACS stores it once.
 *
 * <p>Flags: Completion PARTIAL and Verification UNVERIFIED (AI output nobody has signed). A
 * correction references the SR it replaces in the Predecessor Documents Sequence.
 */
public final class StructuredReportBuilder {

    public static final String COMPREHENSIVE_3D_SR = "1.2.840.10008.5.1.4.1.1.88.34";
    static final String MANUFACTURER = "cxr-triage";
    /** High enough not to collide with a modality's own series numbers. */
    static final String SERIES_NUMBER = "9901";

    private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xx");

    private final String softwareVersion;
    private final ZoneId zone;

    /**
     * @param softwareVersion cxr-triage's version, written in Software Versions
     * @param zone            the zone the SR's dates and times are written in (with their UTC offset)
     */
    public StructuredReportBuilder(String softwareVersion, ZoneId zone) {
        this.softwareVersion = DicomValues.text(Objects.requireNonNull(softwareVersion, "softwareVersion"), DicomValues.LO);
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** The SR's SOP Instance UID: a function of study UID, revision and result id only. */
    public static String sopInstanceUid(ResultMessage message) {
        return DerivedUids.srInstance(studyUid(message), message.revision(), message.resultId());
    }

    /** The series all our SRs of a study go into. */
    public static String seriesInstanceUid(ResultMessage message) {
        return DerivedUids.srSeries(studyUid(message));
    }

    /**
     * The SR as a data set without File Meta Information (add it to write a file).
     *
     * @throws DicomException only if PixelMed refuses a value we built, which is a bug here
     */
    public AttributeList build(ResultMessage message) throws DicomException {
        String studyUid = studyUid(message);
        AttributeList list = new StructuredReport(new ReportContent(message, studyUid).root()).getAttributeList();
        SrAttributes out = new SrAttributes(list);
        ZonedDateTime created = message.scoredAt().atZone(zone);

        out.put(TagFromName.SpecificCharacterSet, SrAttributes.UTF8);
        out.put(TagFromName.SOPClassUID, COMPREHENSIVE_3D_SR);
        out.put(TagFromName.SOPInstanceUID, sopInstanceUid(message));
        out.put(TagFromName.InstanceCreationDate, created.format(DA));
        out.put(TagFromName.InstanceCreationTime, created.format(TM));
        out.put(TagFromName.TimezoneOffsetFromUTC, created.format(OFFSET));
        new PatientStudyModules(out).write(message, studyUid);

        out.put(TagFromName.Modality, "SR");
        out.put(TagFromName.SeriesInstanceUID, seriesInstanceUid(message));
        out.put(TagFromName.SeriesNumber, SERIES_NUMBER);
        out.put(TagFromName.SeriesDescription, "AI triage results (cxr-triage)");
        out.emptySequence(TagFromName.ReferencedPerformedProcedureStepSequence);

        out.put(TagFromName.Manufacturer, MANUFACTURER);
        out.put(TagFromName.ManufacturerModelName, MANUFACTURER);
        out.put(TagFromName.DeviceSerialNumber, deviceSerialNumber(message));
        out.putValues(TagFromName.SoftwareVersions, softwareVersion.isEmpty() ? "unknown" : softwareVersion,
                DicomValues.text(message.model().id() + " " + message.model().version(), DicomValues.LO));

        out.put(TagFromName.InstanceNumber, Integer.toString(Math.max(1, message.revision())));
        out.put(TagFromName.CompletionFlag, "PARTIAL");
        out.put(TagFromName.VerificationFlag, "UNVERIFIED");
        out.put(TagFromName.ContentDate, created.format(DA));
        out.put(TagFromName.ContentTime, created.format(TM));
        out.emptySequence(TagFromName.PerformedProcedureCodeSequence);
        evidence(out, message, studyUid);
        predecessor(out, message, studyUid);
        localCodingScheme(out, message);
        return list;
    }

    /** Current Requested Procedure Evidence: the scored image, which the content references. */
    private static void evidence(SrAttributes out, ResultMessage message, String studyUid) throws DicomException {
        if (message.source().isEmpty()) {
            return;
        }
        SourceImage source = message.source().get();
        String series = DicomValues.uid(source.seriesInstanceUid());
        String sopClass = DicomValues.uid(source.sopClassUid());
        String sopInstance = DicomValues.uid(source.sopInstanceUid());
        if (series.isEmpty() || sopClass.isEmpty() || sopInstance.isEmpty()) {
            return;
        }
        reference(out, TagFromName.CurrentRequestedProcedureEvidenceSequence, studyUid, series, sopClass, sopInstance);
    }

    /** A correction names the SR it replaces, when that SR was delivered. */
    private static void predecessor(SrAttributes out, ResultMessage message, String studyUid) throws DicomException {
        String previous = message.supersedes().flatMap(ResultMessage.Previous::srSopInstanceUid)
                .map(DicomValues::uid).orElse("");
        if (!previous.isEmpty()) {
            reference(out, TagFromName.PredecessorDocumentsSequence, studyUid, seriesInstanceUid(message),
                    COMPREHENSIVE_3D_SR, previous);
        }
    }

    private static void reference(SrAttributes out, com.pixelmed.dicom.AttributeTag sequence, String studyUid,
                                  String seriesUid, String sopClass, String sopInstance) throws DicomException {
        SrAttributes study = new SrAttributes(out.sequenceItem(sequence));
        study.put(TagFromName.StudyInstanceUID, studyUid);
        SrAttributes series = new SrAttributes(study.sequenceItem(TagFromName.ReferencedSeriesSequence));
        series.put(TagFromName.SeriesInstanceUID, seriesUid);
        SrAttributes instance = new SrAttributes(series.sequenceItem(TagFromName.ReferencedSOPSequence));
        instance.put(TagFromName.ReferencedSOPClassUID, sopClass);
        instance.put(TagFromName.ReferencedSOPInstanceUID, sopInstance);
    }

    /** Declares our private coding scheme when a finding had to be written with a local code. */
    private static void localCodingScheme(SrAttributes out, ResultMessage message) throws DicomException {
        for (Finding finding : message.findings()) {
            if (CodeSystems.LOCAL_DICOM.equals(SrCodes.finding(finding).getCodingSchemeDesignator())) {
                SrAttributes scheme = new SrAttributes(out.sequenceItem(TagFromName.CodingSchemeIdentificationSequence));
                scheme.put(TagFromName.CodingSchemeDesignator, CodeSystems.LOCAL_DICOM);
                scheme.put(TagFromName.CodingSchemeName, CodeSystems.LOCAL_NAME);
                scheme.put(TagFromName.CodingSchemeResponsibleOrganization, MANUFACTURER);
                return;
            }
        }
    }

    /** Identifies the exact model file: our FHIR Device id when known, else the start of its SHA-256. */
    private static String deviceSerialNumber(ResultMessage message) {
        String device = DicomValues.text(message.model().deviceName(), DicomValues.LO);
        if (!device.isEmpty()) {
            return device;
        }
        String sha = DicomValues.text(message.model().sha256(), 12);
        return sha.isEmpty() ? "unknown" : sha;
    }

    /** The study UID to write: the message's, or a derived valid UID if the message's is malformed. */
    private static String studyUid(ResultMessage message) {
        String uid = DicomValues.uid(message.studyInstanceUid());
        return uid.isEmpty() ? DerivedUids.replacementStudy(message.studyInstanceUid()) : uid;
    }
}
