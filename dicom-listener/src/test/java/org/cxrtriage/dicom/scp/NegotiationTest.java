package org.cxrtriage.dicom.scp;

import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.StudySpool;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presentation context negotiation as PS3.8 9.3.3.2 reports it: every storage SOP class is accepted
 * (finding 4), each in the transfer syntaxes that fit it, non-storage services are still refused,
 * and UIDs padded with NUL by old modalities are matched as if unpadded (finding 5).
 */
class NegotiationTest {

    private static final int ACCEPTANCE = 0;
    private static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;

    @TempDir
    Path data;

    private RecordingCatalog catalog;
    private StoreScp scp;

    @BeforeEach
    void start() throws Exception {
        catalog = new RecordingCatalog();
        StudySpool spool = new StudySpool(data.resolve("spool"), data.resolve("quarantine"), 0);
        scp = new StoreScp(new ScpSettings("CXRTRIAGE", "127.0.0.1", 0, Set.of(), 65536, 8, Duration.ofSeconds(30)),
                new InstanceStore(spool, catalog), AssociationEvents.NONE);
        scp.start();
    }

    @AfterEach
    void stop() {
        scp.close();
    }

    @ParameterizedTest(name = "{0} in {1}: {2}")
    @CsvSource({
            // images: only the transfer syntaxes we decode
            "1.2.840.10008.5.1.4.1.1.1.1,   1.2.840.10008.1.2.4.90,  0",   // DX in JPEG 2000 lossless
            "1.2.840.10008.5.1.4.1.1.2,     1.2.840.10008.1.2.1,     0",   // CT, explicit VR LE
            "1.2.840.10008.5.1.4.1.1.2,     1.2.840.10008.1.2.4.80,  4",   // CT in JPEG-LS: transcode, please
            "1.2.840.10008.5.1.4.1.1.1,     1.2.840.10008.1.2.4.51,  4",   // CR in 12-bit JPEG
            // objects without pixel data: any syntax PixelMed parses
            "1.2.840.10008.5.1.4.1.1.88.11, 1.2.840.10008.1.2.1,     0",   // Basic Text SR
            "1.2.840.10008.5.1.4.1.1.88.22, 1.2.840.10008.1.2,       0",   // Enhanced SR
            "1.2.840.10008.5.1.4.1.1.88.33, 1.2.840.10008.1.2.4.80,  0",   // Comprehensive SR, JPEG-LS syntax
            "1.2.840.10008.5.1.4.1.1.88.59, 1.2.840.10008.1.2.1.99,  0",   // Key Object Selection, deflated
            "1.2.840.10008.5.1.4.1.1.11.1,  1.2.840.10008.1.2.1,     0",   // Grayscale Softcopy Presentation State
            "1.2.840.10008.5.1.4.1.1.88.67, 1.2.840.10008.1.2.1,     0",   // X-Ray Radiation Dose SR
            "1.2.840.10008.5.1.4.1.1.104.1, 1.2.840.10008.1.2.1,     0",   // Encapsulated PDF
            "1.2.840.10008.5.1.4.1.1.88.11, 1.3.6.1.4.1.5962.300.1,  4",   // ... but not PixelMed's private syntax
            // not storage at all
            "1.2.840.10008.5.1.4.1.2.2.1,   1.2.840.10008.1.2.1,     3",   // Study Root Query/Retrieve FIND
            "1.2.840.10008.5.1.4.31,        1.2.840.10008.1.2.1,     3",   // Modality Worklist FIND
            "1.2.840.10008.1.20.1,          1.2.840.10008.1.2.1,     3",   // Storage Commitment Push Model
    })
    void everyStorageSopClassInTheSyntaxesThatFitIt(String sopClass, String transferSyntax, int expected) throws Exception {
        try (RawPeer peer = RawPeer.connect(scp.localPort())) {
            byte[] accept = peer.associate(Pdus.associateRequest("CXRTRIAGE", "PACS",
                    List.of(Pdus.Context.of(1, sopClass, transferSyntax))));
            assertEquals(expected, Pdus.presentationContextResults(accept).get(1));
        }
    }

    /** Which UIDs of the A-ASSOCIATE-RQ an old modality pads with a trailing NUL. */
    enum Padded {
        TRANSFER_SYNTAX(false, false, true),
        ABSTRACT_SYNTAX(false, true, false),
        APPLICATION_CONTEXT(true, false, false),
        ALL(true, true, true);

        final String applicationContext;
        final String abstractSyntax;
        final String transferSyntax;

        Padded(boolean applicationContext, boolean abstractSyntax, boolean transferSyntax) {
            this.applicationContext = Pdus.APPLICATION_CONTEXT + (applicationContext ? "\0" : "");
            this.abstractSyntax = Pdus.CR + (abstractSyntax ? "\0" : "");
            this.transferSyntax = Pdus.EXPLICIT_LE + (transferSyntax ? "\0" : "");
        }
    }

    @ParameterizedTest
    @EnumSource(Padded.class)
    void uidsPaddedWithNulAreTrimmedBeforeMatchingAndTheInstanceIsStored(Padded padded) throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        byte[] dataSet = dataSetOf(PhantomSpec.chestCr(identity, 5).withSize(128, 128));
        try (RawPeer peer = RawPeer.connect(scp.localPort())) {
            byte[] accept = peer.associate(Pdus.associateRequest("CXRTRIAGE", "OLDMODALITY", padded.applicationContext,
                    List.of(Pdus.Context.of(1, padded.abstractSyntax, padded.transferSyntax))));
            assertEquals(ACCEPTANCE, Pdus.presentationContextResults(accept).get(1));
            assertEquals(Pdus.EXPLICIT_LE, Pdus.acceptedTransferSyntax(accept, 1), "answered without the padding");

            String status = peer.store(1, Pdus.CR, identity.sopInstanceUid(), dataSet);

            assertEquals("0x0000", status);
        }
        assertEquals(Pdus.EXPLICIT_LE, catalog.instances.get(identity.sopInstanceUid()).transferSyntaxUid());
        assertEquals(Pdus.CR, catalog.instances.get(identity.sopInstanceUid()).sopClassUid());
    }

    /** What an old modality did with its refused, NUL-padded context: sent the C-STORE anyway. */
    @Test
    void aCStoreOnARefusedPresentationContextIsAbortedNotAnsweredWithOutOfResources() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        byte[] dataSet = dataSetOf(PhantomSpec.chestCr(identity, 5).withSize(128, 128));
        try (RawPeer peer = RawPeer.connect(scp.localPort())) {
            byte[] accept = peer.associate(Pdus.associateRequest("CXRTRIAGE", "OLDMODALITY",
                    List.of(Pdus.Context.of(1, "1.2.840.10008.5.1.4.1.2.2.1", Pdus.EXPLICIT_LE))));
            assertEquals(ABSTRACT_SYNTAX_NOT_SUPPORTED, Pdus.presentationContextResults(accept).get(1));

            byte[] command = new com.pixelmed.network.CStoreRequestCommandMessage(Pdus.CR, identity.sopInstanceUid()).getBytes();
            peer.send(Pdus.pData(1, true, true, command));
            peer.send(Pdus.pData(1, false, true, dataSet));

            RawPeer.Pdu answer = peer.read();
            assertEquals(0x07, answer.type(), "A-ABORT, not a C-STORE response");
            assertTrue(peer.closedWithin(Duration.ofSeconds(1)));
        }
        assertTrue(catalog.recordCalls.isEmpty());
    }

    @Test
    void aVerificationProposalBesideRefusedOnesStillWorks() throws Exception {
        try (RawPeer peer = RawPeer.connect(scp.localPort())) {
            byte[] accept = peer.associate(Pdus.associateRequest("CXRTRIAGE", "PACS", List.of(
                    Pdus.Context.of(1, "1.2.840.10008.5.1.4.1.2.2.1", Pdus.EXPLICIT_LE),
                    Pdus.Context.of(3, Pdus.VERIFICATION + "\0", Pdus.IMPLICIT_LE + "\0"))));
            assertEquals(ABSTRACT_SYNTAX_NOT_SUPPORTED, Pdus.presentationContextResults(accept).get(1));
            assertEquals(ACCEPTANCE, Pdus.presentationContextResults(accept).get(3));
        }
    }

    /** The data set (after the file meta information) of a phantom written in explicit VR little endian. */
    static byte[] dataSetOf(PhantomSpec spec) throws Exception {
        Path file = Files.createTempFile("phantom", ".dcm");
        try {
            Transcoder.write(spec, Encoding.EXPLICIT_LITTLE_ENDIAN, file);
            byte[] bytes = Files.readAllBytes(file);
            int groupLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(132 + 8);
            return Arrays.copyOfRange(bytes, 132 + 12 + groupLength, bytes.length);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
