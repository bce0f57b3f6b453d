package org.cxrtriage.dicom.qc;

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
}
