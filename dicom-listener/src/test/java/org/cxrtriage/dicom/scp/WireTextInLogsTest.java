package org.cxrtriage.dicom.scp;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.StudySpool;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.ForeignObjects;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding 9: what the listener logs at INFO and above holds no header value (patient name, patient
 * ID, accession number), and text from the wire cannot forge or break a log line.
 */
class WireTextInLogsTest {

    @TempDir
    Path data;

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private RecordingEvents events;
    private StoreScp scp;

    @BeforeEach
    void start() throws Exception {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        events = new RecordingEvents();
        StudySpool spool = new StudySpool(data.resolve("spool"), data.resolve("quarantine"), 0);
        scp = new StoreScp(new ScpSettings("CXRTRIAGE", "127.0.0.1", 0, Set.of(), 65536, 8, Duration.ofSeconds(30)),
                new InstanceStore(spool, new RecordingCatalog()), events);
        scp.start();
    }

    @AfterEach
    void stop() {
        scp.close();
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(logged);
    }

    @Test
    void anAeTitleWithControlCharactersIsRefusedAndLoggedEscaped() throws Exception {
        try (RawPeer peer = RawPeer.connect(scp.localPort())) {
            peer.send(Pdus.associateRequest("CXRTRIAGE", "EVIL\nINFO forged", List.of(
                    Pdus.Context.of(1, Pdus.VERIFICATION, Pdus.IMPLICIT_LE))));
            RawPeer.Pdu answer = peer.read();
            assertEquals(0x03, answer.type(), "A-ASSOCIATE-RJ");
            assertEquals(3, answer.body()[3], "calling AE title not recognised");
        }
        String reason = events.awaitReasonContaining("not a valid AE title");
        assertTrue(reason.contains("EVIL\\u000AINFO forged"), reason);
        assertTrue(messages(Level.INFO).stream().anyMatch(line -> line.contains("EVIL\\u000AINFO forged")));
        assertTrue(messages(Level.INFO).stream().noneMatch(line -> line.contains("\n") || line.contains("\r")),
                "no log line is broken by wire text: " + messages(Level.INFO));
    }

    @Test
    void noPatientNameIdOrAccessionIsLoggedAtInfoOrAbove() throws Exception {
        PhantomIdentity patient = PhantomIdentity.newStudy();
        Path image = data.resolve("cr.dcm");
        Transcoder.write(PhantomSpec.chestCr(patient, 1).withSize(128, 128), Encoding.EXPLICIT_LITTLE_ENDIAN, image);
        Path report = data.resolve("sr.dcm");
        ForeignObjects.basicTextSr(patient, report);
        Path twoStudies = data.resolve("two-studies.dcm");
        Transcoder.write(PhantomSpec.chestCr(patient.nextInstance(), 1).withSize(128, 128), Encoding.EXPLICIT_LITTLE_ENDIAN,
                twoStudies);
        ReceivedObjectsTest.dcmodify(twoStudies, "-m", "(0020,000d)=1.2.3\\1.2.4");
        String text = "DICM " + patient.patientName() + " " + patient.patientId() + " " + patient.accessionNumber();
        // PDVs carry an even number of bytes
        Path garbage = Files.write(data.resolve("garbage.dcm"),
                (text.length() % 2 == 0 ? text : text + " ").getBytes(StandardCharsets.US_ASCII));

        Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(image, report, twoStudies));
        ReceivedObjectsTest.dcmodify(image, "-m", "(0008,0050)=" + patient.accessionNumber() + "X");
        Dcmtk.store(scp.localPort(), "CXRTRIAGE", "PACS", List.of(image));
        RawStoreScu.store(scp.localPort(), patient.nextInstance().sopInstanceUid(), Files.readAllBytes(garbage));

        List<String> lines = messages(Level.INFO);
        assertTrue(lines.stream().anyMatch(line -> line.contains("rejected data set")), "the refusals were logged: " + lines);
        String surname = patient.patientName().split("\\^")[2];
        for (String identifier : List.of(patient.patientId(), patient.accessionNumber(), surname)) {
            assertFalse(lines.stream().anyMatch(line -> line.contains(identifier)),
                    identifier + " appears in the log: " + lines.stream().filter(line -> line.contains(identifier)).toList());
        }
    }

    private List<String> messages(Level atLeast) {
        return logged.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(atLeast))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }
}
