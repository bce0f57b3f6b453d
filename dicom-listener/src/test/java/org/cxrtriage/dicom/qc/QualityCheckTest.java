package org.cxrtriage.dicom.qc;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import org.cxrtriage.dicom.image.InstanceMetadata;
import org.cxrtriage.dicom.image.MetadataReader;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.cxrtriage.testdata.View;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QC verdicts from real headers written by the phantom generator. */
class QualityCheckTest {

    @TempDir
    Path dir;

    private final QualityCheck check = new QualityCheck(QcPolicy.defaults());
    private final PhantomIdentity study = PhantomIdentity.newStudy();
    private int counter;

    private InstanceMetadata header(PhantomSpec spec) throws Exception {
        Path file = dir.resolve("i" + counter++ + ".dcm");
        Transcoder.write(spec, Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        return MetadataReader.read(file);
    }

    private PhantomSpec adultPa() {
        return PhantomSpec.chestCr(study.nextInstance(), 1).withSize(300, 300);
    }

    @Test
    void frontalAdultChestIsScorableAndPaComesBeforeAp() throws Exception {
        InstanceMetadata lateral = header(adultPa().withView(View.LATERAL));
        InstanceMetadata ap = header(adultPa().withView(View.AP));
        InstanceMetadata pa = header(adultPa());

        QcVerdict verdict = check.check(List.of(lateral, ap, pa));

        assertTrue(verdict.scorable(), verdict.summary());
        assertEquals(List.of(pa.sopInstanceUid(), ap.sopInstanceUid()),
                verdict.frontal().stream().map(InstanceMetadata::sopInstanceUid).toList());
    }

    @Test
    void lateralOnlyIsNotScorable() throws Exception {
        QcVerdict verdict = check.check(List.of(header(adultPa().withView(View.LATERAL))));
        assertFalse(verdict.scorable());
        assertEquals("lateral view only", verdict.summary());
    }

    @Test
    void childIsNotScorable() throws Exception {
        QcVerdict verdict = check.check(List.of(header(adultPa().withPatientAge(6))));
        assertFalse(verdict.scorable());
        assertEquals("paediatric patient (under 18 years)", verdict.summary());
    }

    @Test
    void otherBodyPartIsNotScorable() throws Exception {
        QcVerdict verdict = check.check(List.of(header(adultPa().withBodyPart("KNEE"))));
        assertFalse(verdict.scorable());
        assertEquals("not a chest image (body part KNEE)", verdict.summary());
    }

    @Test
    void ctIsNotARadiograph() throws Exception {
        QcVerdict verdict = check.check(List.of(header(adultPa().withModality("CT").withBodyPart("HEAD"))));
        assertFalse(verdict.scorable());
        assertEquals("not a radiograph (modality CT)", verdict.summary());
    }

    @Test
    void tinyImageIsNotScorable() throws Exception {
        QcVerdict verdict = check.check(List.of(header(adultPa().withSize(100, 80))));
        assertFalse(verdict.scorable());
        assertTrue(verdict.summary().startsWith("image too small (100x80"), verdict.summary());
    }

    @Test
    void metadataCarriesWhatDownstreamNeeds() throws Exception {
        InstanceMetadata metadata = header(adultPa().withModality("DX").withPatientAge(54));
        assertEquals("DX", metadata.modality());
        assertEquals("CHEST", metadata.bodyPartExamined());
        assertEquals("PA", metadata.viewPosition());
        assertEquals(54, metadata.ageYears().orElseThrow());
        assertEquals(study.accessionNumber(), metadata.accessionNumber());
        assertEquals(study.patientId(), metadata.patientId());
        assertEquals("Phantom General Hospital", metadata.institutionName());
        assertTrue(metadata.studyDate().isPresent() && metadata.studyTime().isPresent());
    }

    /** A test pattern sent as Secondary Capture (modality OT, no body part) is not a chest radiograph. */
    @Test
    void secondaryCaptureWithoutChestBodyPartOrDescriptionIsNotScorable() throws Exception {
        InstanceMetadata testPattern = rewritten(header(adultPa().withModality("OT").withBodyPart("")),
                list -> put(list, TagFromName.StudyDescription, "SMPTE test pattern"));
        QcVerdict verdict = check.check(List.of(testPattern));
        assertFalse(verdict.scorable());
        assertEquals("not a chest radiograph (modality OT without a chest body part or description)", verdict.summary());
    }

    @Test
    void secondaryCaptureIsScorableWhenBodyPartOrDescriptionNamesTheChest() throws Exception {
        assertTrue(check.check(List.of(header(adultPa().withModality("OT")))).scorable(), "body part CHEST");
        InstanceMetadata described = rewritten(header(adultPa().withModality("OT").withBodyPart("")),
                list -> put(list, TagFromName.StudyDescription, "XR Chest PA (digitised film)"));
        assertTrue(check.check(List.of(described)).scorable(), "description names the chest");
        InstanceMetadata chestnut = rewritten(header(adultPa().withModality("OT").withBodyPart("")),
                list -> put(list, TagFromName.StudyDescription, "CHESTNUT"));
        assertFalse(check.check(List.of(chestnut)).scorable(), "a word that merely contains CHEST does not count");
    }

    @Test
    void aRadiographWithoutBodyPartIsStillAChestCandidate() throws Exception {
        assertTrue(check.check(List.of(header(adultPa().withBodyPart("")))).scorable());
    }

    @Test
    void anObjectWithoutPixelDataSaysNoImage() throws Exception {
        InstanceMetadata noPixels = rewritten(header(adultPa()), list -> list.remove(TagFromName.PixelData));
        QcVerdict verdict = check.check(List.of(noPixels));
        assertFalse(verdict.scorable());
        assertEquals("no image (the object has no pixel data)", verdict.summary());
    }

    @Test
    void anImageNotShapedLikeAChestFilmIsNotScorable() throws Exception {
        QcVerdict verdict = check.check(List.of(header(adultPa().withSize(1200, 300))));
        assertFalse(verdict.scorable());
        assertEquals("not a chest radiograph (a 1200x300 image is not shaped like a chest film)", verdict.summary());
        assertTrue(check.check(List.of(header(adultPa().withSize(430, 350)))).scorable(), "a landscape 17x14 film is");
    }

    private InstanceMetadata rewritten(InstanceMetadata original, DicomEdit edit) throws Exception {
        Path file = dir.resolve("i" + (counter - 1) + ".dcm");
        AttributeList list = new AttributeList();
        list.read(file.toString());
        edit.apply(list);
        Path changed = dir.resolve("edited" + counter++ + ".dcm");
        list.write(changed.toString(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        InstanceMetadata metadata = MetadataReader.read(changed);
        assertEquals(original.sopInstanceUid(), metadata.sopInstanceUid());
        return metadata;
    }

    private interface DicomEdit {
        void apply(AttributeList list) throws Exception;
    }

    private static void put(AttributeList list, AttributeTag tag, String value) throws Exception {
        Attribute attribute = AttributeFactory.newAttribute(tag, list.get(tag) != null ? list.get(tag).getVR()
                : DicomDictionary.StandardDictionary.getValueRepresentationFromTag(tag));
        attribute.addValue(value);
        list.put(attribute);
    }
}
