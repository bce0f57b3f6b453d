package org.cxrtriage.app.ingest;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Findings 1 and 2 end to end: while an attacker on other addresses keeps 1,500 hostile
 * connections going (from 127.0.0.2: requests trickled a byte every few seconds, half-sent
 * requests, A-ASSOCIATE-RQs claiming 2 GB; from 127.0.0.3, one at a time: P-DATA-TF claims of
 * 0x7FFFFFF0 and 0x30000000 bytes after a valid negotiation), the modality on 127.0.0.1 (DCMTK
 * storescu) still gets its chest study stored and triaged, with the server's defaults (32 slots,
 * 16 per address, 5 s request deadline), and resident memory does not grow with the claims.
 */
class DenialOfServiceTest {

    private static final int CONNECTIONS = 1500;
    private static final String ATTACKER = "127.0.0.2";
    private static final String NEGOTIATING_ATTACKER = "127.0.0.3";
    /** Far below one 0x30000000-byte claim (768 MiB); the server and attacker share this JVM. */
    private static final long MAX_RSS_GROWTH_MIB = 400;
    /** Two default request deadlines (5 s) and a little more. */
    private static final java.time.Duration STEADY_STATE = java.time.Duration.ofSeconds(12);

    @TempDir
    Path dir;

    private TriageServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aModalityIsStoredAndTriagedWhileAnotherAddressHoldsFifteenHundredHostileConnections() throws Exception {
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of());
        PythonPhantoms.Study study = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 41);
        System.gc();
        long rssBefore = ResidentMemory.rssMib();
        long peakBefore = ResidentMemory.peakMib();
        long rssDuring;
        long rssAfter;
        HostileClients attacker = HostileClients.start(server.dicomPort(), ATTACKER, NEGOTIATING_ATTACKER,
                CONNECTIONS);
        try (ResidentMemory memory = ResidentMemory.sample()) {
            try {
                awaitPressure(attacker);

                Dcmtk.StoreRun push = Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "MODALITY", List.of(study.file()));

                assertTrue(push.allSucceeded(1), "the modality is served during the attack: " + push.output());
                server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?",
                        study.studyInstanceUid());
                assertEquals("scored", server.query("SELECT business_status FROM worklist_item WHERE study_instance_uid = ?",
                        study.studyInstanceUid()).get(0).get(0), "triaged during the attack");
            } finally {
                attacker.close();
            }
            rssDuring = memory.highestRssMib();
        }
        awaitNoSlotsHeld();
        rssAfter = ResidentMemory.rssMib();
        String report = String.format("attacker: %d connections opened from %s and %s (at most %d open at once), %d closed by the"
                        + " listener, %d x 0x7FFFFFF0 and %d x 0x30000000 P-DATA-TF claims delivered after negotiation%n"
                        + "test JVM (server + attacker): VmRSS before %d MiB, highest during %d MiB, after %d MiB;"
                        + " VmHWM before %d MiB, after %d MiB%n",
                attacker.opened(), ATTACKER, NEGOTIATING_ATTACKER, attacker.mostOpenAtOnce(), attacker.closedByListener(),
                attacker.delivered(HostileClients.Kind.P_DATA_CLAIM_2_GB),
                attacker.delivered(HostileClients.Kind.P_DATA_CLAIM_768_MIB), rssBefore, rssDuring, rssAfter, peakBefore,
                ResidentMemory.peakMib());
        System.out.print(report);
        Files.writeString(Path.of("target", "dos-memory.txt"), report);
        assertTrue(attacker.opened() >= CONNECTIONS, report);
        assertTrue(delivered(attacker, HostileClients.Kind.P_DATA_CLAIM_2_GB) >= 5
                && delivered(attacker, HostileClients.Kind.P_DATA_CLAIM_768_MIB) >= 5,
                "the hostile claims reached negotiated associations: " + report);
        assertTrue(rssDuring - rssBefore < MAX_RSS_GROWTH_MIB, "resident memory grew by " + (rssDuring - rssBefore)
                + " MiB under attack: " + report);
        for (String refusal : List.of("rejected: no complete A-ASSOCIATE-RQ within 5000 ms",
                "aborted: P-DATA-TF of 2147483632 bytes exceeds the negotiated maximum",
                "aborted: P-DATA-TF of 805306368 bytes exceeds the negotiated maximum")) {
            assertTrue(server.count("SELECT COUNT(*) FROM audit_record WHERE action = 'dicom.association'"
                    + " AND outcome = 'FAILURE' AND details LIKE ?", "%" + refusal + "%") > 0, "audited: " + refusal);
        }
    }

    /**
     * At least {@link #STEADY_STATE} (two request deadlines, so trickled requests have been cut off
     * and re-opened), and until every connection has been opened and each hostile P-DATA-TF claim
     * has reached the listener a few times, or 60 s (a listener that lets the attacker hold every
     * slot never negotiates with it; the modality's push then shows the harm).
     */
    private static void awaitPressure(HostileClients attacker) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + 60_000_000_000L;
        while ((System.nanoTime() - started < STEADY_STATE.toNanos() || attacker.opened() < CONNECTIONS
                || delivered(attacker, HostileClients.Kind.P_DATA_CLAIM_2_GB) < 5
                || delivered(attacker, HostileClients.Kind.P_DATA_CLAIM_768_MIB) < 5) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private static long delivered(HostileClients attacker, HostileClients.Kind kind) {
        return attacker.delivered(kind);
    }

    private void awaitNoSlotsHeld() throws InterruptedException {
        DicomListener listener = server.context().getBean(DicomListener.class);
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (listener.scp().activeAssociations() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, listener.scp().activeAssociations(), "every slot is given back once the attacker stops");
    }
}
