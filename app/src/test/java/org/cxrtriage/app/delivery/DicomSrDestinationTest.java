package org.cxrtriage.app.delivery;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.cxrtriage.testdata.Orthanc;
import org.cxrtriage.testdata.PhantomIdentity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** C-STORE of our SR to a real PACS: Orthanc from its Debian package. */
class DicomSrDestinationTest {

    /** Orthanc's default maximum P-DATA PDU length (DCMTK's 16 KiB). */
    private static final int ORTHANC_MAX_PDU = 16384;

    @TempDir
    static Path dir;

    private static Orthanc pacs;
    private final StructuredReportBuilder builder = new StructuredReportBuilder("0.1.0", ZoneId.of("UTC"));

    @BeforeAll
    static void startPacs() throws Exception {
        pacs = Orthanc.configure(dir.resolve("orthanc")).aeTitle("PACS").option("DicomCheckCalledAet", "true").start();
    }

    @AfterAll
    static void stopPacs() throws Exception {
        pacs.close();
    }

    @Test
    void theSrIsStoredWithItsStudyAndReadsBackValid() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path source = ResultMessages.sourceFile(identity, dir);
        String sourceId = pacs.upload(source);
        ResultMessage message = ResultMessages.scored(identity, Optional.of(source));

        Attempt attempt = destination("PACS", pacs.dicomPort(), Duration.ofSeconds(30)).send(message);

        assertTrue(attempt.delivered(), attempt + "\n" + pacs.log());
        String srId = pacs.instanceId(StructuredReportBuilder.sopInstanceUid(message)).orElseThrow(
                () -> new AssertionError("Orthanc has no SR " + StructuredReportBuilder.sopInstanceUid(message)));
        assertEquals(study(sourceId), study(srId), "the PACS files the SR with the study it reports on");
        AttributeList stored = SrValidation.read(pacs.instanceFile(srId));
        assertEquals(List.of(), SrValidation.problems(stored));
        assertEquals(StructuredReportBuilder.COMPREHENSIVE_3D_SR,
                Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.SOPClassUID));
        assertEquals(identity.patientId(), Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.PatientID));
    }

    @Test
    void sendingTheSameMessageAgainLeavesOneInstance() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path source = ResultMessages.sourceFile(identity, dir);
        pacs.upload(source);
        ResultMessage message = ResultMessages.unreliable(identity, Optional.of(source));
        DicomSrDestination destination = destination("PACS", pacs.dicomPort(), Duration.ofSeconds(30));

        Attempt first = destination.send(message);
        Attempt again = destination.send(message);

        assertTrue(first.delivered(), first.toString());
        assertTrue(again.delivered(), again.toString());
        String srId = pacs.instanceId(StructuredReportBuilder.sopInstanceUid(message)).orElseThrow();
        String series = Orthanc.field(pacs.get("/instances/" + srId).body(), "ParentSeries").orElseThrow();
        assertEquals(List.of(srId), Orthanc.arrayField(pacs.get("/series/" + series).body(), "Instances"));
        String study = study(srId);
        assertEquals(2, Orthanc.arrayField(pacs.get("/studies/" + study).body(), "Series").size(),
                "the image's series and one SR series");
    }

    @Test
    void aCorrectionLargerThanThePeersPduJoinsTheSameSeries() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Path source = ResultMessages.sourceFile(identity, dir);
        DicomSrDestination destination = destination("PACS", pacs.dicomPort(), Duration.ofSeconds(30));
        ResultMessage first = ResultMessages.scored(identity, Optional.of(source));
        ResultMessage correction = ResultMessages.correction(identity, Optional.of(source));
        assertTrue(SrValidation.bytes(withMeta(builder.build(correction))).length > ORTHANC_MAX_PDU + 256,
                "the correction needs several P-DATA PDUs at Orthanc's default maximum length");

        Attempt firstAttempt = destination.send(first);
        Attempt correctionAttempt = destination.send(correction);

        assertTrue(firstAttempt.delivered(), firstAttempt.toString());
        assertTrue(correctionAttempt.delivered(), correctionAttempt.toString());

        String corrected = pacs.instanceId(StructuredReportBuilder.sopInstanceUid(correction)).orElseThrow();
        String series = Orthanc.field(pacs.get("/instances/" + corrected).body(), "ParentSeries").orElseThrow();
        assertEquals(2, Orthanc.arrayField(pacs.get("/series/" + series).body(), "Instances").size());
    }

    @Test
    void aHostileHeaderIsStoredCleaned() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        ResultMessage hostile = ResultMessages.hostile(identity);

        Attempt attempt = destination("PACS", pacs.dicomPort(), Duration.ofSeconds(30)).send(hostile);

        assertTrue(attempt.delivered(), attempt + "\n" + pacs.log());
        String srId = pacs.instanceId(StructuredReportBuilder.sopInstanceUid(hostile)).orElseThrow();
        AttributeList stored = SrValidation.read(pacs.instanceFile(srId));
        assertEquals(List.of(), SrValidation.problems(stored));
        String name = Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.PatientName);
        assertEquals(64, name.length(), name);
        assertTrue(name.chars().noneMatch(c -> c < 0x20), name);
    }

    @Test
    void aWrongCalledAeTitleIsRejectedAndNotWorthRetrying() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();

        Attempt attempt = destination("NOT-THE-PACS", pacs.dicomPort(), Duration.ofSeconds(30))
                .send(ResultMessages.notScored(identity));

        assertFalse(attempt.delivered());
        assertFalse(attempt.retryable(), attempt.toString());
        assertTrue(attempt.detail().contains("rejected-permanent"), attempt.detail());
        assertTrue(attempt.detail().contains("called AE Title not recognized"), attempt.detail());
    }

    /**
     * DCMTK's storescp configured (a profile of its own) to accept CR images only: our own SCP
     * accepts every storage SOP class now, SR included, so it can no longer play this peer.
     */
    @Test
    void aPeerThatDoesNotAcceptSrIsNotRetried() throws Exception {
        Path config = dir.resolve("images-only.cfg");
        java.nio.file.Files.writeString(config, """
                [[TransferSyntaxes]]
                [Uncompressed]
                TransferSyntax1 = LocalEndianExplicit
                TransferSyntax2 = LittleEndianImplicit
                [[PresentationContexts]]
                [ImagesOnly]
                PresentationContext1 = ComputedRadiographyImageStorage\\Uncompressed
                [[Profiles]]
                [CrOnly]
                PresentationContexts = ImagesOnly
                """);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path received = java.nio.file.Files.createDirectories(dir.resolve("images-only"));
        Process storescp = new ProcessBuilder("storescp", "-aet", "IMAGESONLY", "-xf", config.toString(), "CrOnly",
                "-od", received.toString(), Integer.toString(port)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("storescp.log").toFile()).start();
        try {
            awaitListening(port);

            Attempt attempt = destination("IMAGESONLY", port, Duration.ofSeconds(30))
                    .send(ResultMessages.notScored(PhantomIdentity.newStudy()));

            assertFalse(attempt.delivered());
            assertFalse(attempt.retryable(), attempt.toString());
            assertTrue(attempt.detail().contains("does not accept Comprehensive 3D SR"), attempt.detail());
        } finally {
            storescp.destroy();
            storescp.waitFor();
        }
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("storescp did not listen on " + port);
    }

    @ParameterizedTest
    @CsvSource({"A700, false", "A7FF, false", "0110, false", "C001, false", "A900, true", "A9FF, true", "0122, true",
            "0124, true", "0211, true"})
    void onlyStatusesThatWillRepeatAreFinal(String status, boolean isFinal) {
        assertEquals(isFinal, DicomSrDestination.isFinal(Integer.parseInt(status, 16)));
    }

    @Test
    void nothingListeningIsWorthRetrying() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Attempt attempt = destination("PACS", closedPort, Duration.ofSeconds(30))
                .send(ResultMessages.notScored(PhantomIdentity.newStudy()));

        assertFalse(attempt.delivered());
        assertTrue(attempt.retryable(), attempt.toString());
        assertTrue(attempt.detail().contains("ConnectException"), attempt.detail());
    }

    @Test
    void aPeerThatNeverAnswersTimesOutAtTheDeadline() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    held.add(silent.accept());
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.start();

            Attempt attempt = destination("PACS", silent.getLocalPort(), Duration.ofSeconds(2))
                    .send(ResultMessages.notScored(PhantomIdentity.newStudy()));

            assertFalse(attempt.delivered());
            assertTrue(attempt.retryable(), attempt.toString());
            assertTrue(attempt.detail().contains("no answer within 2 s"), attempt.detail());
            assertTrue(attempt.took().compareTo(Duration.ofMillis(1900)) >= 0, attempt.toString());
            assertTrue(attempt.took().compareTo(Duration.ofSeconds(10)) < 0, attempt.toString());
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    private static AttributeList withMeta(AttributeList dataSet) throws Exception {
        AttributeList copy = new AttributeList();
        copy.putAll(dataSet);
        com.pixelmed.dicom.FileMetaInformation.addFileMetaInformation(copy, "1.2.840.10008.1.2.1", "CXRTRIAGE");
        return copy;
    }

    private DicomSrDestination destination(String calledAeTitle, int port, Duration timeout) {
        return new DicomSrDestination(new DicomPeer(calledAeTitle, "127.0.0.1", port), "CXRTRIAGE", builder,
                Duration.ofSeconds(2), timeout);
    }

    private static String study(String instanceId) throws Exception {
        String series = Orthanc.field(pacs.get("/instances/" + instanceId).body(), "ParentSeries").orElseThrow();
        return Orthanc.field(pacs.get("/series/" + series).body(), "ParentStudy").orElseThrow();
    }
}
