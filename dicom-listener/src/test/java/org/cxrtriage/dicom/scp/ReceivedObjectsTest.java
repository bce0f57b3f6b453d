package org.cxrtriage.dicom.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.cxrtriage.dicom.store.InstanceKind;
import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.Receipt;
import org.cxrtriage.dicom.store.SpooledInstance;
import org.cxrtriage.dicom.store.StudySpool;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.ForeignObjects;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the store learns about each object DCMTK's storescu sends, and what it keeps: the kind of
 * object (finding 4), identical and changed re-sends (finding 6), lossy compression (finding 7),
 * multi-valued UIDs and patient identifiers (finding 8).
 */
class ReceivedObjectsTest {

    @TempDir
    Path data;

    private RecordingCatalog catalog;
    private StudySpool spool;
    private StoreScp scp;

    private void start(boolean keepNonImages) throws Exception {
        catalog = new RecordingCatalog();
        spool = new StudySpool(data.resolve("spool"), data.resolve("quarantine"), 0);
        scp = new StoreScp(new ScpSettings("CXRTRIAGE", "127.0.0.1", 0, Set.of(), 65536, 8, Duration.ofSeconds(30)),
                new InstanceStore(spool, catalog, keepNonImages), AssociationEvents.NONE);
        scp.start();
    }

    @AfterEach
    void stop() {
        scp.close();
    }

    @Test
    void aRadiographIsSpooledWithItsHashAndPatientIdentifiers() throws Exception {
        start(false);
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path file = write(PhantomSpec.chestCr(identity, 2).withSize(128, 128), Encoding.EXPLICIT_LITTLE_ENDIAN);
        dcmodify(file, "-i", "(0010,0021)=HOSPITAL-A");

        assertTrue(store(file).allSucceeded(1));

        SpooledInstance stored = catalog.instances.get(identity.sopInstanceUid());
        assertEquals(InstanceKind.RADIOGRAPH, stored.kind());
        assertTrue(stored.kept() && Files.exists(stored.file()));
        assertTrue(stored.contentSha256().matches("[0-9a-f]{64}"), stored.contentSha256());
        assertEquals(identity.patientId(), stored.patient().patientId());
        assertEquals("HOSPITAL-A", stored.patient().issuerOfPatientId());
        assertFalse(stored.patient().toString().contains(identity.patientId()), "patient identifiers never print");
        assertEquals(List.of(Receipt.NEW), catalog.receipts);
    }

    @Test
    void objectsThatAreNotRadiographsAreAcknowledgedRecordedAndNotKept() throws Exception {
        start(false);
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path ourSr = data.resolve("report.dcm");
        String srUid = ForeignObjects.basicTextSr(identity, ourSr);
        Path ct = ForeignObjects.pydicomTestFile("CT_small.dcm");
        Path theirSr = ForeignObjects.pydicomTestFile("test-SR.dcm");

        Dcmtk.StoreRun run = store(ourSr, ct, theirSr);

        assertTrue(run.allSucceeded(3), run.output());
        SpooledInstance report = catalog.instances.get(srUid);
        assertEquals(InstanceKind.NON_IMAGE, report.kind());
        assertNull(report.file());
        assertFalse(Files.exists(spool.pathOf(identity.studyInstanceUid(), srUid)), "not kept in the spool");
        SpooledInstance ctImage = catalog.instances.get(sopInstanceUid(ct));
        assertEquals(InstanceKind.OTHER_IMAGE, ctImage.kind());
        assertNull(ctImage.file());
        assertEquals(InstanceKind.NON_IMAGE, catalog.instances.get(sopInstanceUid(theirSr)).kind());
        try (var left = Files.list(data.resolve("spool").resolve(".incoming"))) {
            assertEquals(0, left.count(), "nothing left behind in .incoming");
        }
    }

    @Test
    void objectsThatAreNotRadiographsAreKeptWhenTheSiteAsks() throws Exception {
        start(true);
        Path ct = ForeignObjects.pydicomTestFile("CT_small.dcm");

        assertTrue(store(ct).allSucceeded(1));

        SpooledInstance ctImage = catalog.instances.get(sopInstanceUid(ct));
        assertEquals(InstanceKind.OTHER_IMAGE, ctImage.kind());
        assertTrue(ctImage.kept() && Files.exists(ctImage.file()));
    }

    @Test
    void identicalBytesAreAReSendAndChangedBytesACorrection() throws Exception {
        start(false);
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path file = write(PhantomSpec.chestCr(identity, 2).withSize(128, 128), Encoding.EXPLICIT_LITTLE_ENDIAN);

        assertTrue(store(file).allSucceeded(1));
        String firstHash = catalog.instances.get(identity.sopInstanceUid()).contentSha256();
        assertTrue(store(file).allSucceeded(1));
        dcmodify(file, "-m", "(0008,0050)=CORRECTED1");
        assertTrue(store(file).allSucceeded(1));

        assertEquals(List.of(Receipt.NEW, Receipt.IDENTICAL_RESEND, Receipt.CHANGED_RESEND), catalog.receipts);
        SpooledInstance corrected = catalog.instances.get(identity.sopInstanceUid());
        assertEquals(Receipt.CHANGED_RESEND, corrected.receipt());
        assertFalse(firstHash.equals(corrected.contentSha256()));
        assertEquals("CORRECTED1", attribute(spool.pathOf(identity.studyInstanceUid(), identity.sopInstanceUid()),
                TagFromName.AccessionNumber), "the corrected copy replaced the first in the spool");
    }

    @ParameterizedTest(name = "{0} (0028,2110)={1}: lossy {2}")
    @CsvSource({
            "EXPLICIT_LITTLE_ENDIAN, '',  false",
            "EXPLICIT_LITTLE_ENDIAN, 00,  false",
            "EXPLICIT_LITTLE_ENDIAN, 01,  true",
            "JPEG_LOSSLESS,          '',  false",
            "JPEG_BASELINE,          '',  true",
    })
    void lossyCompressionIsRecordedPerInstance(Encoding encoding, String lossyImageCompression, boolean lossy)
            throws Exception {
        start(false);
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path file = write(PhantomSpec.chestCr(identity, 2).withSize(128, 128).withPixels(encoding.bitsStoredFor(), false, false),
                encoding);
        if (!lossyImageCompression.isEmpty()) {
            dcmodify(file, "-i", "(0028,2110)=" + lossyImageCompression);
        }

        assertTrue(Dcmtk.sendAsIs(scp.localPort(), "CXRTRIAGE", "PACS", file, encoding).stored());

        assertEquals(lossy, catalog.instances.get(identity.sopInstanceUid()).lossyCompression());
    }

    @ParameterizedTest
    @ValueSource(strings = {"(0020,000d)", "(0020,000e)"})
    void aStudyOrSeriesUidWithTwoValuesIsRefusedAndQuarantined(String tag) throws Exception {
        start(false);
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path file = write(PhantomSpec.chestCr(identity, 2).withSize(128, 128), Encoding.EXPLICIT_LITTLE_ENDIAN);
        dcmodify(file, "-m", tag + "=1.2.826.0.1.3680043.2.1125.1\\1.2.826.0.1.3680043.2.1125.2");

        Dcmtk.StoreRun run = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file), "-d");

        assertEquals(0, run.successes(), run.output());
        assertTrue(run.output().contains("DIMSE Status                  : 0xc000"), run.output());
        assertTrue(run.output().contains("Instance UID has more than one value"), "the Error Comment says why: " + run.output());
        assertTrue(catalog.recordCalls.isEmpty());
        try (var kept = Files.list(data.resolve("quarantine"))) {
            assertEquals(2, kept.count(), "quarantined data set and its note");
        }
    }

    @Test
    void aSopInstanceUidWithTwoValuesIsRefused() throws Exception {
        start(false);
        PhantomIdentity identity = PhantomIdentity.newStudy();
        byte[] dataSet = NegotiationTest.dataSetOf(PhantomSpec.chestCr(new PhantomIdentity(identity.patientId(),
                identity.patientName(), identity.patientSex(), identity.accessionNumber(), identity.studyInstanceUid(),
                identity.seriesInstanceUid(), identity.sopInstanceUid() + "\\" + PhantomIdentity.newUid()), 2).withSize(128, 128));

        String status = RawStoreScu.store(scp.localPort(), identity.sopInstanceUid(), dataSet);

        assertTrue(status.startsWith("0xC000"), status);
        assertTrue(catalog.recordCalls.isEmpty());
    }

    private Dcmtk.StoreRun store(Path... files) throws Exception {
        return Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(files));
    }

    private Path write(PhantomSpec spec, Encoding encoding) throws Exception {
        Path file = data.resolve(spec.identity().sopInstanceUid() + "-" + encoding + ".dcm");
        Transcoder.write(spec, encoding, file);
        return file;
    }

    /** DCMTK's dcmodify, changing the file in place. */
    static void dcmodify(Path file, String... edits) throws Exception {
        List<String> command = new ArrayList<>(List.of("dcmodify", "-nb", "-ie"));
        command.addAll(List.of(edits));
        command.add(file.toString());
        Dcmtk.Result result = Dcmtk.run(command);
        assertEquals(0, result.exitCode(), result.output());
    }

    private static String sopInstanceUid(Path file) throws Exception {
        return attribute(file, TagFromName.SOPInstanceUID);
    }

    private static String attribute(Path file, com.pixelmed.dicom.AttributeTag tag) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile(), TagFromName.PixelData);
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
