package org.cxrtriage.dicom.scp;

import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.StudySpool;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slots are taken at accept and given back quickly (finding 2): the association request phase has
 * a total time limit, one calling address cannot take every slot, connections over the limit are
 * refused at once, and the threads serving all this stay bounded.
 */
class AssociationRequestPhaseTest {

    private static final String ATTACKER = "127.0.0.2";

    @TempDir
    Path data;

    private StoreScp scp;

    private void start(int maxAssociations, int perAddress, Duration requestTimeout) throws Exception {
        StudySpool spool = new StudySpool(data.resolve("spool"), data.resolve("quarantine"), 0);
        scp = new StoreScp(new ScpSettings("CXRTRIAGE", "127.0.0.1", 0, Set.of(), 65536, maxAssociations,
                Duration.ofSeconds(30), requestTimeout, perAddress),
                new InstanceStore(spool, new RecordingCatalog()), AssociationEvents.NONE);
        scp.start();
    }

    @AfterEach
    void stop() {
        scp.close();
    }

    @Test
    void anAssociationRequestTrickledOneByteAtATimeIsCutOffAtTheDeadline() throws Exception {
        start(4, 2, Duration.ofSeconds(1));
        byte[] request = HostilePduTest.echoRequest();
        long started = System.nanoTime();
        boolean closed = false;
        try (RawPeer peer = RawPeer.connect(scp.localPort(), ATTACKER)) {
            for (int i = 0; i < request.length - 1 && !closed; i++) {
                try {
                    peer.send(new byte[] {request[i]});
                } catch (IOException reset) {
                    closed = true;
                    break;
                }
                closed = peer.closedWithin(Duration.ofMillis(250));
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(closed, "the listener must close a request that takes longer than the limit");
        assertTrue(seconds < 2.5, "closed after " + seconds + " s; the limit is 1 s");
        awaitActive(0);
    }

    @Test
    void oneAddressCannotTakeEverySlot() throws Exception {
        start(4, 2, Duration.ofSeconds(30));
        List<RawPeer> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                silent.add(RawPeer.connect(scp.localPort(), ATTACKER));
            }
            awaitActive(2);

            Dcmtk.Result modality = Dcmtk.echo(scp.localPort(), "CXRTRIAGE", "MODALITY");

            assertEquals(0, modality.exitCode(), "a modality on another address is served: " + modality.output());
            try (RawPeer third = RawPeer.connect(scp.localPort(), ATTACKER)) {
                third.send(HostilePduTest.echoRequest());
                RawPeer.Pdu answer = third.read();
                assertEquals(0x03, answer.type(), "a third association from the same address is rejected");
                assertEquals(2, answer.body()[1], "transient");
                assertEquals(2, answer.body()[3], "local limit exceeded");
            }
        } finally {
            for (RawPeer peer : silent) {
                peer.close();
            }
        }
    }

    @Test
    void silentConnectionsOverTheLimitAreClosedQuicklyAndThreadsStayBounded() throws Exception {
        start(4, 4, Duration.ofSeconds(30));
        int threadsBefore = listenerThreads();
        List<RawPeer> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                silent.add(RawPeer.connect(scp.localPort(), ATTACKER));
            }
            Thread.sleep(500);
            int threads = listenerThreads() - threadsBefore;
            assertTrue(threads <= 4 + 4 + 2, threads + " listener threads for 200 connections");

            Thread.sleep(3000);
            long closed = 0;
            for (RawPeer peer : silent) {
                if (peer.closedWithin(Duration.ofMillis(50))) {
                    closed++;
                }
            }
            assertTrue(closed >= 196, closed + " of 200 connections closed within ~3 s; only the 4 in slots may stay");
        } finally {
            for (RawPeer peer : silent) {
                peer.close();
            }
        }
    }

    private static int listenerThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("dicom-")).count();
    }

    private void awaitActive(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (scp.activeAssociations() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, scp.activeAssociations());
    }
}
