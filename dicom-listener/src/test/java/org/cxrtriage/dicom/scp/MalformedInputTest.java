package org.cxrtriage.dicom.scp;

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

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data sets that cannot be parsed get a failure status, are quarantined, and nothing else breaks. */
class MalformedInputTest {

    @TempDir
    Path data;

    private RecordingCatalog catalog;
    private StoreScp scp;

    @BeforeEach
    void start() throws Exception {
        catalog = new RecordingCatalog();
        StudySpool spool = new StudySpool(data.resolve("spool"), data.resolve("quarantine"), 0);
        scp = new StoreScp(new ScpSettings("CXRTRIAGE", "127.0.0.1", 0, Set.of(), 65536, 32, Duration.ofSeconds(30)),
                new InstanceStore(spool, catalog), AssociationEvents.NONE);
        scp.start();
    }

    @AfterEach
    void stop() {
        scp.close();
    }

    @Test
    void garbageBytesAreRefusedAndQuarantined() throws Exception {
        byte[] garbage = new byte[20_000];
        new Random(1).nextBytes(garbage);

        String status = RawStoreScu.store(scp.localPort(), PhantomIdentity.newUid(), garbage);

        assertRefusedAndServerStillServes(status);
    }

    @Test
    void truncatedDataSetIsRefused() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();
        byte[] dataSet = validDataSet(identity);
        byte[] truncated = Arrays.copyOf(dataSet, (dataSet.length / 2) & ~1); // PDVs must have even length

        String status = RawStoreScu.store(scp.localPort(), identity.sopInstanceUid(), truncated);

        assertRefusedAndServerStillServes(status);
    }

    @Test
    void completeDataSetThroughTheSameClientIsStored() throws Exception {
        PhantomIdentity identity = PhantomIdentity.newStudy();

        String status = RawStoreScu.store(scp.localPort(), identity.sopInstanceUid(), validDataSet(identity));

        assertEquals("0x0000", status);
        assertTrue(catalog.instances.containsKey(identity.sopInstanceUid()));
    }

    @Test
    void absurdElementLengthIsRefused() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer element = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        element.putShort((short) 0x0010).putShort((short) 0x0010).put((byte) 'O').put((byte) 'B')
                .putShort((short) 0).putInt(0x7FFF_FFF0);
        out.writeBytes(element.array());
        out.writeBytes(new byte[1000]);

        String status = RawStoreScu.store(scp.localPort(), PhantomIdentity.newUid(), out.toByteArray());

        assertRefusedAndServerStillServes(status);
    }

    private void assertRefusedAndServerStillServes(String status) throws Exception {
        assertTrue(status.startsWith("0xC000"), status);
        assertTrue(status.contains("cannot parse data set"), status);
        assertTrue(catalog.instances.isEmpty());
        try (var kept = Files.list(data.resolve("quarantine"))) {
            assertEquals(2, kept.count(), "quarantined data set and its note");
        }
        assertEquals(0, Dcmtk.echo(scp.localPort(), "CXRTRIAGE", "PACS").exitCode());
    }

    /** The data set part (after the file meta header) of a valid explicit little endian phantom. */
    private byte[] validDataSet(PhantomIdentity identity) throws Exception {
        Path file = data.resolve("valid.dcm");
        Transcoder.write(PhantomSpec.chestCr(identity, 3).withSize(128, 128),
                Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int groupLength = buffer.getInt(132 + 8);
        int dataSetStart = 132 + 12 + groupLength;
        return Arrays.copyOfRange(bytes, dataSetStart, bytes.length);
    }
}
