package org.cxrtriage.app.ingest;

import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.cxrtriage.app.config.DicomConfig;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.dicom.scp.AssociationEvents;
import org.cxrtriage.dicom.scp.StoreScp;
import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.StudySpool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Starts the DICOM listener with the server and stops it on shutdown. Created eagerly so that a
 * port that cannot be bound stops start-up with a clear message instead of a silent half-server.
 */
@Context
public final class DicomListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DicomListener.class);

    private final StudySpool spool;
    private final StoreScp scp;

    public DicomListener(DicomConfig dicom, StorageConfig storage, JdbcInstanceCatalog catalog) {
        try {
            this.spool = new StudySpool(storage.spoolDir(), storage.quarantineDir(), storage.minFreeBytes());
            int leftovers = spool.clearIncoming();
            if (leftovers > 0) {
                log.info("removed {} partial instance file(s) left by an earlier stop; none had been acknowledged",
                        leftovers);
            }
            this.scp = new StoreScp(dicom.toScpSettings(), new InstanceStore(spool, catalog), AssociationEvents.NONE);
            scp.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    public StoreScp scp() {
        return scp;
    }

    public StudySpool spool() {
        return spool;
    }

    @PreDestroy
    @Override
    public void close() {
        scp.close();
    }
}
