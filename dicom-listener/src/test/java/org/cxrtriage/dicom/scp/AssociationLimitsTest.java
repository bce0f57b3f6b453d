package org.cxrtriage.dicom.scp;

import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.StudySpool;
import org.cxrtriage.testdata.Dcmtk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The association limit and the idle timeout, as a PACS would meet them. */
class AssociationLimitsTest {

    @TempDir
    Path data;

    private StoreScp scp;

    private StoreScp start(int maxAssociations, Duration idleTimeout) throws Exception {
        StudySpool spool = new StudySpool(data.resolve("spool"), data.resolve("quarantine"), 0);
        scp = new StoreScp(new ScpSettings("CXRTRIAGE", "127.0.0.1", 0, Set.of(), 65536, maxAssociations, idleTimeout),
                new InstanceStore(spool, new RecordingCatalog()), AssociationEvents.NONE);
        scp.start();
        return scp;
    }

    @AfterEach
    void stop() {
        scp.close();
    }

    @Test
    void associationsBeyondTheLimitAreRejectedAsTransient() throws Exception {
        start(1, Duration.ofSeconds(30));
        try (Socket held = openAssociation(scp.localPort())) {
            awaitActive(1);

            Dcmtk.Result second = Dcmtk.echo(scp.localPort(), "CXRTRIAGE", "PACS");

            assertTrue(second.output().contains("Local Limit Exceeded"), second.output());
        }
        awaitActive(0);
        assertEquals(0, Dcmtk.echo(scp.localPort(), "CXRTRIAGE", "PACS").exitCode(), "served again once the slot is free");
    }

    @Test
    void idleAssociationsAreClosed() throws Exception {
        start(4, Duration.ofMillis(500));
        try (Socket idle = openAssociation(scp.localPort())) {
            awaitActive(1);
            Thread.sleep(1500);
            assertEquals(0, scp.activeAssociations());
            idle.setSoTimeout(2000);
            InputStream in = idle.getInputStream();
            int read;
            do {
                read = in.read();
            } while (read >= 0);
        }
    }

    /** Sends an A-ASSOCIATE-RQ for Verification and reads the A-ASSOCIATE-AC, then stays silent. */
    private static Socket openAssociation(int port) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write(associateRequest());
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] header = in.readNBytes(6);
        assertEquals(0x02, header[0], "A-ASSOCIATE-AC expected");
        int length = ByteBuffer.wrap(header, 2, 4).getInt();
        in.readNBytes(length);
        return socket;
    }

    private static byte[] associateRequest() {
        byte[] context = item(0x20, concat(new byte[] {1, 0, 0, 0},
                item(0x30, "1.2.840.10008.1.1".getBytes(StandardCharsets.US_ASCII)),
                item(0x40, "1.2.840.10008.1.2".getBytes(StandardCharsets.US_ASCII))));
        byte[] userInfo = item(0x50, item(0x51, ByteBuffer.allocate(4).putInt(16384).array()));
        byte[] fixed = new byte[68];
        fixed[1] = 1;
        System.arraycopy(pad("CXRTRIAGE"), 0, fixed, 4, 16);
        System.arraycopy(pad("HOLDER"), 0, fixed, 20, 16);
        byte[] body = concat(fixed, item(0x10, "1.2.840.10008.3.1.1.1".getBytes(StandardCharsets.US_ASCII)), context, userInfo);
        return concat(new byte[] {1, 0}, ByteBuffer.allocate(4).putInt(body.length).array(), body);
    }

    private static byte[] item(int type, byte[] value) {
        return concat(new byte[] {(byte) type, 0, (byte) (value.length >> 8), (byte) value.length}, value);
    }

    private static byte[] pad(String aeTitle) {
        return String.format("%-16s", aeTitle).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            buffer.put(part);
        }
        return buffer.array();
    }

    private void awaitActive(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (scp.activeAssociations() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, scp.activeAssociations());
    }
}
