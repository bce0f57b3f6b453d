package org.cxrtriage.dicom.scp;

import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.StudySpool;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of hostile or malformed PDU the attacker sent (finding 1): each is refused from its
 * 6-byte header alone, answered with A-ASSOCIATE-RJ or A-ABORT, the connection is closed within a
 * second, the refusal is reported, and no buffer of the announced size is ever allocated.
 */
class HostilePduTest {

    private static final int MAX_PDU = 65536;

    /** The PDU sent, whether a valid association is negotiated first, the answer expected, words the report must use. */
    enum Hostile {
        ASSOCIATE_RQ_CLAIMING_2_GB(false, Pdus.header(0x01, 0x7FFF_FFF0L), 0x03, "A-ASSOCIATE-RQ"),
        ASSOCIATE_RQ_OVER_64_KIB(false, Pdus.header(0x01, 64 * 1024 + 1), 0x03, "A-ASSOCIATE-RQ"),
        ASSOCIATE_RQ_TOO_SHORT(false, Pdus.pdu(0x01, new byte[20]), 0x03, "A-ASSOCIATE-RQ"),
        UNKNOWN_FIRST_PDU(false, Pdus.header(0x09, 4), 0x07, "PDU type 0x09"),
        P_DATA_INSTEAD_OF_ASSOCIATE_RQ(false, Pdus.header(0x04, 0x3000_0000L), 0x07, "P-DATA-TF"),
        P_DATA_CLAIMING_2_GB(true, Pdus.header(0x04, 0x7FFF_FFF0L), 0x07, "P-DATA-TF"),
        P_DATA_CLAIMING_768_MIB(true, Pdus.header(0x04, 0x3000_0000L), 0x07, "P-DATA-TF"),
        P_DATA_JUST_OVER_THE_MAXIMUM(true, Pdus.header(0x04, MAX_PDU + PduLimits.ALLOWANCE + 1), 0x07, "P-DATA-TF"),
        P_DATA_WITHOUT_A_PDV(true, Pdus.header(0x04, 2), 0x07, "P-DATA-TF"),
        RELEASE_RQ_OF_WRONG_LENGTH(true, Pdus.pdu(0x05, new byte[8]), 0x07, "A-RELEASE-RQ"),
        ABORT_OF_WRONG_LENGTH(true, Pdus.header(0x07, 0x10000), 0x07, "A-ABORT"),
        UNKNOWN_PDU_AFTER_NEGOTIATION(true, Pdus.header(0x0A, 4), 0x07, "PDU type 0x0A"),
        ASSOCIATE_AC_FROM_THE_CALLER(true, Pdus.header(0x02, 200), 0x07, "A-ASSOCIATE-AC"),
        SECOND_ASSOCIATE_RQ(true, echoRequest(), 0x07, "A-ASSOCIATE-RQ");

        final boolean afterNegotiation;
        final byte[] bytes;
        final int answer;
        final String reportMentions;

        Hostile(boolean afterNegotiation, byte[] bytes, int answer, String reportMentions) {
            this.afterNegotiation = afterNegotiation;
            this.bytes = bytes;
            this.answer = answer;
            this.reportMentions = reportMentions;
        }
    }

    @TempDir
    Path data;

    private RecordingEvents events;
    private RecordingCatalog catalog;
    private StoreScp scp;

    @BeforeEach
    void start() throws Exception {
        events = new RecordingEvents();
        catalog = new RecordingCatalog();
        StudySpool spool = new StudySpool(data.resolve("spool"), data.resolve("quarantine"), 0);
        scp = new StoreScp(new ScpSettings("CXRTRIAGE", "127.0.0.1", 0, Set.of(), MAX_PDU, 8, Duration.ofSeconds(30)),
                new InstanceStore(spool, catalog), events);
        scp.start();
    }

    @AfterEach
    void stop() {
        scp.close();
    }

    @ParameterizedTest
    @EnumSource(Hostile.class)
    void isRefusedFromItsHeaderAndTheConnectionClosedWithinASecond(Hostile hostile) throws Exception {
        Map<Long, Long> allocatedBefore = allocatedByListenerThreads();
        try (RawPeer peer = RawPeer.connect(scp.localPort())) {
            if (hostile.afterNegotiation) {
                peer.associate(echoRequest());
            }

            peer.send(hostile.bytes);

            RawPeer.Pdu answer = peer.read();
            assertEquals(hostile.answer, answer.type(), "answer PDU type for " + hostile);
            assertEquals(4, answer.body().length, "A-ASSOCIATE-RJ and A-ABORT carry 4 bytes");
            assertTrue(peer.closedWithin(Duration.ofSeconds(1)), "the listener closes the connection within a second");
        }
        events.awaitReasonContaining(hostile.reportMentions);
        long allocated = allocatedSince(allocatedBefore);
        assertTrue(allocated < 4L * 1024 * 1024, "listener threads allocated " + allocated + " bytes for " + hostile);
        assertTrue(catalog.recordCalls.isEmpty());
        assertEquals(0, Dcmtk.echo(scp.localPort(), "CXRTRIAGE", "PACS").exitCode(), "the listener still serves");
    }

    static byte[] echoRequest() {
        return Pdus.associateRequest("CXRTRIAGE", "HOSTILE", List.of(Pdus.Context.of(1, Pdus.VERIFICATION, Pdus.IMPLICIT_LE)));
    }

    /** Bytes allocated so far by each live listener thread (HotSpot's per-thread allocation counter). */
    static Map<Long, Long> allocatedByListenerThreads() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<Long, Long> allocated = new HashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("dicom-")) {
                allocated.put(thread.getId(), threads.getThreadAllocatedBytes(thread.getId()));
            }
        }
        return allocated;
    }

    /** What listener threads allocated since {@code before}; threads started since count from zero. */
    static long allocatedSince(Map<Long, Long> before) {
        long total = 0;
        for (Map.Entry<Long, Long> now : allocatedByListenerThreads().entrySet()) {
            total += Math.max(0, now.getValue() - before.getOrDefault(now.getKey(), 0L));
        }
        return total;
    }
}
