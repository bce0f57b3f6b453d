package org.cxrtriage.dicom.scp;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.TagFromName;
import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.StudySpool;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SCP against DCMTK's echoscu and storescu, with the real spool and an in-memory catalogue. */
class StoreScpTest {

    @TempDir
    Path data;

    private RecordingCatalog catalog;
    private StudySpool spool;
    private StoreScp scp;

    @BeforeEach
    void start() throws Exception {
        startWith(Set.of(), 0);
    }

    private void startWith(Set<String> callers, long minFreeBytes) throws Exception {
        if (scp != null) {
            scp.close();
        }
        catalog = new RecordingCatalog();
        spool = new StudySpool(data.resolve("spool"), data.resolve("quarantine"), minFreeBytes);
        ScpSettings settings = new ScpSettings("CXRTRIAGE", "127.0.0.1", 0, callers, 65536, 32, Duration.ofSeconds(30));
        scp = new StoreScp(settings, new InstanceStore(spool, catalog), AssociationEvents.NONE);
        scp.start();
    }

    @AfterEach
    void stop() {
        scp.close();
    }

    @Test
    void answersEcho() throws Exception {
        Dcmtk.Result echo = Dcmtk.echo(scp.localPort(), "CXRTRIAGE", "PACS");
        assertEquals(0, echo.exitCode(), echo.output());
    }

    @ParameterizedTest
    @EnumSource(value = Encoding.class, names = {"JPEG_LS_LOSSLESS", "JPEG_EXTENDED_12BIT"}, mode = EnumSource.Mode.EXCLUDE)
    void storesEveryAcceptedTransferSyntaxDurably(Encoding encoding) throws Exception {
        PhantomSpec spec = phantom(encoding);
        Path file = data.resolve("in.dcm");
        Transcoder.write(spec, encoding, file);

        Dcmtk.SendResult run = Dcmtk.sendAsIs(scp.localPort(), "CXRTRIAGE", "PACS", file, encoding);

        assertTrue(run.stored(), run.output());
        Path spooled = spool.pathOf(spec.identity().studyInstanceUid(), spec.identity().sopInstanceUid());
        assertTrue(Files.exists(spooled), "spool file " + spooled);
        assertEquals(encoding.uid(), fileMetaTransferSyntax(spooled));
        assertEquals(encoding.uid(), catalog.instances.get(spec.identity().sopInstanceUid()).transferSyntaxUid());
        assertEquals("PACS", catalog.instances.get(spec.identity().sopInstanceUid()).callingAeTitle());
    }

    @ParameterizedTest
    @EnumSource(value = Encoding.class, names = {"JPEG_LS_LOSSLESS", "JPEG_EXTENDED_12BIT"})
    void refusesTransferSyntaxesItCannotDecode(Encoding encoding) throws Exception {
        PhantomSpec spec = phantom(encoding);
        Path file = data.resolve("in.dcm");
        Transcoder.write(spec, encoding, file);

        Dcmtk.SendResult run = Dcmtk.sendAsIs(scp.localPort(), "CXRTRIAGE", "PACS", file, encoding);

        assertTrue(run.noAcceptablePresentationContext(), run.output());
        assertTrue(catalog.instances.isEmpty());
    }

    @Test
    void resendingAnInstanceIsIdempotent() throws Exception {
        PhantomSpec spec = phantom(Encoding.EXPLICIT_LITTLE_ENDIAN);
        Path file = data.resolve("in.dcm");
        Transcoder.write(spec, Encoding.EXPLICIT_LITTLE_ENDIAN, file);

        assertTrue(Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1));
        assertTrue(Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file)).allSucceeded(1));

        assertEquals(1, catalog.instances.size());
        try (var files = Files.list(spool.pathOf(spec.identity().studyInstanceUid(), "1").getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void rejectsWrongCalledAeTitle() throws Exception {
        Dcmtk.Result echo = Dcmtk.echo(scp.localPort(), "SOMEONEELSE", "PACS");
        assertFalse(echo.exitCode() == 0, echo.output());
        assertTrue(echo.output().contains("Called AE Title Not Recognized"), echo.output());
    }

    @Test
    void rejectsCallersNotOnTheAllowList() throws Exception {
        startWith(Set.of("PACS"), 0);
        Dcmtk.Result stranger = Dcmtk.echo(scp.localPort(), "CXRTRIAGE", "STRANGER");
        assertFalse(stranger.exitCode() == 0, stranger.output());
        assertTrue(stranger.output().contains("Calling AE Title Not Recognized"), stranger.output());
        assertEquals(0, Dcmtk.echo(scp.localPort(), "CXRTRIAGE", "PACS").exitCode());
    }

    @Test
    void refusesWithOutOfResourcesBelowTheFreeSpaceFloor() throws Exception {
        startWith(Set.of(), Long.MAX_VALUE);
        PhantomSpec spec = phantom(Encoding.EXPLICIT_LITTLE_ENDIAN);
        Path file = data.resolve("in.dcm");
        Transcoder.write(spec, Encoding.EXPLICIT_LITTLE_ENDIAN, file);

        Dcmtk.StoreRun run = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file));

        assertEquals(0, run.successes(), run.output());
        assertTrue(run.output().contains("Out of Resources") || run.output().contains("OutOfResources"), run.output());
        assertTrue(catalog.recordCalls.isEmpty());
        assertFalse(Files.exists(spool.pathOf(spec.identity().studyInstanceUid(), spec.identity().sopInstanceUid())));
    }

    @Test
    void failsAndKeepsNothingWhenTheCatalogueIsDown() throws Exception {
        catalog.unavailable = true;
        PhantomSpec spec = phantom(Encoding.EXPLICIT_LITTLE_ENDIAN);
        Path file = data.resolve("in.dcm");
        Transcoder.write(spec, Encoding.EXPLICIT_LITTLE_ENDIAN, file);

        Dcmtk.StoreRun run = Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(file));

        assertEquals(0, run.successes(), run.output());
        assertTrue(run.files().get(0).status().startsWith("Error"), run.output());
        assertFalse(Files.exists(spool.pathOf(spec.identity().studyInstanceUid(), spec.identity().sopInstanceUid())));
    }

    private static PhantomSpec phantom(Encoding encoding) {
        return PhantomSpec.chestCr(PhantomIdentity.newStudy(), 7)
                .withSize(256, 256)
                .withPixels(encoding.bitsStoredFor(), false, false);
    }

    static String fileMetaTransferSyntax(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toFile(), TagFromName.PatientID);
        return Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
    }
}
