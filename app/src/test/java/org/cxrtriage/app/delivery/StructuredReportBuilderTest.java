package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.StructuredReport;
import com.pixelmed.dicom.TagFromName;
import org.cxrtriage.testdata.PhantomIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SR for each outcome, validated by PixelMed's DicomSRValidator after a Part 10 round trip. */
class StructuredReportBuilderTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Paris");
    private final StructuredReportBuilder builder = new StructuredReportBuilder("0.1.0", ZONE);

    @TempDir
    Path dir;

    @Test
    void aScoredStudyWithSixFindingsIsAValidMeasurementReport() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        ResultMessage message = ResultMessages.scored(identity, Optional.of(ResultMessages.sourceFile(identity, dir)));

        AttributeList sr = SrValidation.roundTrip(builder.build(message));

        assertEquals(List.of(), SrValidation.problems(sr));
        assertEquals(6, SrValidation.qualitativeEvaluationWarnings(sr), "one present/absent item per group");
        String tree = new StructuredReport(sr).toString();
        assertEquals(6, count(tree, "CONTAINS: CONTAINER: Measurement Group"), tree);
        assertTrue(tree.contains("CODE: Finding = Pneumothorax"), tree);
        assertTrue(tree.contains("NUM: Certainty of Finding = 93.12 percent"), tree);
        assertTrue(tree.contains("CODE: Pneumothorax = Present"), tree);
        assertTrue(tree.contains("CODE: Pleural effusion = Absent"), tree);
        assertTrue(tree.contains("CODE: Cardiomegaly = Present"), tree);
        assertEquals(6, count(tree, "IMAGE: Source of Measurement = " + ResultMessages.CR_IMAGE_STORAGE + " : "
                + identity.sopInstanceUid()), tree);
        assertTrue(tree.contains("TEXT: Algorithm Version = 1.0.0+cal.20261123T190851"), tree);
        assertTrue(tree.contains("TEXT: Algorithm Parameters = calibration cal-20261123T190851; operating point 44.51 %"), tree);
        assertTrue(tree.contains("UIDREF: Device Observer UID = 2.25."), tree);
        assertTrue(tree.contains("TEXT: Device Observer Model Name = cxr-reference 1.0.0+cal.20261123T190851"), tree);
        assertTrue(tree.contains("Procedure reported = Imaging procedure"), tree);
        assertTrue(tree.contains("TEXT: Comment = Worklist priority: stat, raised by the AI for a critical finding"), tree);
        assertEquals("PARTIAL", value(sr, TagFromName.CompletionFlag));
        assertEquals("UNVERIFIED", value(sr, TagFromName.VerificationFlag));
        assertEquals("SR", value(sr, TagFromName.Modality));
        assertEquals(identity.studyInstanceUid(), value(sr, TagFromName.StudyInstanceUID));
        assertNotEquals(identity.seriesInstanceUid(), value(sr, TagFromName.SeriesInstanceUID), "a new series");
        assertEquals("20261130", value(sr, TagFromName.ContentDate));
        assertEquals("101542", value(sr, TagFromName.ContentTime), "09:15:42Z in Paris");
        assertEquals("+0100", value(sr, TagFromName.TimezoneOffsetFromUTC));
        assertEquals(identity.sopInstanceUid(), evidenceInstance(sr, TagFromName.CurrentRequestedProcedureEvidenceSequence));
        assertEquals(1, ((SequenceAttribute) sr.get(TagFromName.CodingSchemeIdentificationSequence)).getNumberOfItems(),
                "nodule_mass is a local code, declared as 99CXR");
    }

    @Test
    void anUnreliableResultSaysSoAndReportsNoPositiveFinding() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        ResultMessage message = ResultMessages.unreliable(identity, Optional.of(ResultMessages.sourceFile(identity, dir)));

        AttributeList sr = SrValidation.roundTrip(builder.build(message));

        assertEquals(List.of(), SrValidation.problems(sr));
        String tree = new StructuredReport(sr).toString();
        assertTrue(tree.contains("TEXT: Comment = Triage outcome: unreliable: image unlike the model's reference data"), tree);
        assertEquals(6, count(tree, "= Undetermined"), tree);
        assertEquals(0, count(tree, "= Present"), tree);
        assertEquals(0, count(tree, "= Absent"), tree);
    }

    @Test
    void aNotScoredResultHasNoMeasurementsButSaysWhy() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();

        AttributeList sr = SrValidation.roundTrip(builder.build(ResultMessages.notScored(identity)));

        assertEquals(List.of(), SrValidation.problems(sr));
        String tree = new StructuredReport(sr).toString();
        assertFalse(tree.contains("Imaging Measurements"), tree);
        assertTrue(tree.contains("TEXT: Comment = Triage outcome: not scored: lateral view only"), tree);
        assertEquals(identity.patientId(), value(sr, TagFromName.PatientID), "from the message's Study when no file");
        assertEquals(identity.accessionNumber(), value(sr, TagFromName.AccessionNumber));
        assertEquals("HOSP-A", value(sr, TagFromName.IssuerOfPatientID));
        assertEquals("19720517", value(sr, TagFromName.PatientBirthDate));
        assertEquals(null, sr.get(TagFromName.CurrentRequestedProcedureEvidenceSequence), "no image, no evidence");
    }

    @Test
    void aCorrectionIsANewInstanceThatNamesItsPredecessor() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Optional<Path> file = Optional.of(ResultMessages.sourceFile(identity, dir));
        ResultMessage first = ResultMessages.scored(identity, file);
        ResultMessage correction = ResultMessages.correction(identity, file);

        AttributeList sr = SrValidation.roundTrip(builder.build(correction));

        assertEquals(List.of(), SrValidation.problems(sr));
        String previousUid = StructuredReportBuilder.sopInstanceUid(first);
        assertNotEquals(previousUid, value(sr, TagFromName.SOPInstanceUID));
        assertEquals(previousUid, evidenceInstance(sr, TagFromName.PredecessorDocumentsSequence));
        assertEquals(StructuredReportBuilder.seriesInstanceUid(first), value(sr, TagFromName.SeriesInstanceUID),
                "every revision goes into the same SR series");
        assertEquals("2", value(sr, TagFromName.InstanceNumber));
        assertTrue(new StructuredReport(sr).toString()
                .contains("TEXT: Comment = Corrects revision 1 (result 4101) of this study's AI triage result"));
    }

    @Test
    void aHostileHeaderIsBoundedCleanedAndStillValid() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();

        AttributeList sr = SrValidation.roundTrip(builder.build(ResultMessages.hostile(identity)));

        assertEquals(List.of(), SrValidation.problems(sr));
        String name = value(sr, TagFromName.PatientName);
        assertEquals(64, name.length(), name);
        assertTrue(name.startsWith("O'Brien|Smith^Ann~Marie/Jo&Co  EVIL"), name);
        assertFalse(name.contains("="), "only the alphabetic component group");
        assertEquals(64, value(sr, TagFromName.PatientID).length());
        assertEquals(16, value(sr, TagFromName.AccessionNumber).length());
        assertEquals("", value(sr, TagFromName.PatientSex), "an unknown sex is left empty");
        for (String text : List.of(name, value(sr, TagFromName.PatientID), value(sr, TagFromName.AccessionNumber),
                value(sr, TagFromName.StudyDescription), value(sr, TagFromName.IssuerOfPatientID),
                new StructuredReport(sr).toString().replace("\n", ""))) {
            assertTrue(text.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "no control characters: " + text);
        }
        assertFalse(value(sr, TagFromName.AccessionNumber).contains("\\"), "no value delimiter in a single value");
    }

    @Test
    void aHostileSourceFileIsCleanedToo() throws Exception {
        PhantomIdentity hostile = new PhantomIdentity("P" + "7".repeat(90), "DOE\u0007^JANE\r\n" + "y".repeat(400),
                "F", "ACC" + "3".repeat(40), PhantomIdentity.newUid(), PhantomIdentity.newUid(), PhantomIdentity.newUid());
        Path file = ResultMessages.sourceFile(hostile, dir);

        AttributeList sr = SrValidation.roundTrip(builder.build(ResultMessages.scored(hostile, Optional.of(file))));

        assertEquals(List.of(), SrValidation.problems(sr));
        assertTrue(value(sr, TagFromName.PatientName).startsWith("DOE^JANE  yyy"), value(sr, TagFromName.PatientName));
        assertEquals(64, value(sr, TagFromName.PatientName).length());
        assertEquals(64, value(sr, TagFromName.PatientID).length());
    }

    @Test
    void patientAndStudyComeFromTheSourceFileWhenItIsKept() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path file = ResultMessages.sourceFile(identity, dir);
        ResultMessage scored = ResultMessages.scored(identity, Optional.of(file));
        ResultMessage.Study blank = new ResultMessage.Study("", "", "", Optional.empty(), "", "", "", Optional.empty(),
                Optional.empty(), "", "", "", "");
        ResultMessage withBlankStudy = new ResultMessage(scored.studyInstanceUid(), 1, 1L, Optional.empty(),
                scored.outcome(), scored.outcomeText(), blank, scored.source(), scored.priority(), scored.raisedByAi(),
                scored.model(), scored.findings(), scored.scoredAt(), Optional.empty(), Optional.empty());

        AttributeList sr = SrValidation.roundTrip(builder.build(withBlankStudy));

        AttributeList source = new AttributeList();
        source.read(file.toFile(), TagFromName.PixelData);
        for (var tag : List.of(TagFromName.PatientName, TagFromName.PatientID, TagFromName.PatientBirthDate,
                TagFromName.PatientSex, TagFromName.PatientAge, TagFromName.AccessionNumber, TagFromName.StudyID,
                TagFromName.StudyDate, TagFromName.StudyTime, TagFromName.StudyDescription)) {
            assertFalse(value(source, tag).isEmpty(), "the phantom has " + tag);
            assertEquals(value(source, tag), value(sr, tag), tag.toString());
        }
    }

    @Test
    void buildingTheSameMessageTwiceGivesTheSameInstanceByteForByte() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        ResultMessage message = ResultMessages.scored(identity, Optional.of(ResultMessages.sourceFile(identity, dir)));

        byte[] first = bytes(builder.build(message));
        byte[] again = bytes(new StructuredReportBuilder("0.1.0", ZONE).build(message));

        assertArrayEquals(first, again);
        ResultMessage nextRevision = ResultMessages.correction(identity, message.source().flatMap(s -> s.file()));
        assertNotEquals(StructuredReportBuilder.sopInstanceUid(message), StructuredReportBuilder.sopInstanceUid(nextRevision));
        assertTrue(StructuredReportBuilder.sopInstanceUid(message).matches("2\\.25\\.[1-9][0-9]*"));
    }

    private static byte[] bytes(AttributeList sr) throws Exception {
        AttributeList copy = new AttributeList();
        copy.putAll(sr);
        com.pixelmed.dicom.FileMetaInformation.addFileMetaInformation(copy, "1.2.840.10008.1.2.1", "CXRTRIAGE");
        return SrValidation.bytes(copy);
    }

    private static String evidenceInstance(AttributeList sr, com.pixelmed.dicom.AttributeTag sequence) {
        AttributeList study = ((SequenceAttribute) sr.get(sequence)).getItem(0).getAttributeList();
        AttributeList series = ((SequenceAttribute) study.get(TagFromName.ReferencedSeriesSequence)).getItem(0).getAttributeList();
        AttributeList instance = ((SequenceAttribute) series.get(TagFromName.ReferencedSOPSequence)).getItem(0).getAttributeList();
        return value(instance, TagFromName.ReferencedSOPInstanceUID);
    }

    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }

    private static long count(String text, String needle) {
        return Arrays.stream(text.split("\n")).filter(line -> line.contains(needle)).count();
    }
}
