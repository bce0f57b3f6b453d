package org.cxrtriage.app.ingest;

import org.cxrtriage.compliance.AuditAction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import org.cxrtriage.app.audit.AuditTrail;
import org.cxrtriage.app.config.DicomConfig;
import org.cxrtriage.app.config.DicomTlsConfig;
import org.cxrtriage.app.config.StorageConfig;
import org.cxrtriage.dicom.scp.AssociationEvents;
import org.cxrtriage.dicom.scp.AssociationSummary;
import org.cxrtriage.dicom.scp.StoreScp;
import org.cxrtriage.dicom.scp.TlsSettings;
import org.cxrtriage.dicom.store.InstanceStore;
import org.cxrtriage.dicom.store.StudySpool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Starts the DICOM listener with the server and stops it on shutdown. Created eagerly so that a
 * port that cannot be bound stops start-up with a clear message instead of a silent half-server.
 */
@Context
public final class DicomListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DicomListener.class);

    private final StudySpool spool;
    private final StoreScp scp;
    private final StoreScp tlsScp;

    public DicomListener(DicomConfig dicom, DicomTlsConfig tls, StudySpool spool, JdbcInstanceCatalog catalog,
                         AuditTrail audit, MeterRegistry meters) {
        // Read before anything listens, so a wrong TLS setting does not leave the plain port open.
        Optional<TlsSettings> tlsSettings = tls.toTlsSettings();
        this.spool = spool;
        try {
            int leftovers = spool.clearIncoming();
            if (leftovers > 0) {
                log.info("removed {} partial instance file(s) left by an earlier stop; none had been acknowledged",
                        leftovers);
            }
            InstanceStore store = new InstanceStore(spool, catalog, dicom.keepNonImages());
            AssociationEvents events = AssociationEvents.all(auditing(audit), new DicomMetrics(meters));
            this.scp = new StoreScp(dicom.toScpSettings(), store, events);
            scp.start();
            // The same AE title, allow-list and store on a second port that speaks TLS only.
            this.tlsScp = tlsSettings.isPresent() ? new StoreScp(dicom.toScpSettings().onPort(tls.port()), tlsSettings.get(),
                    store, events) : null;
            if (tlsScp != null) {
                try {
                    tlsScp.start();
                } catch (IOException e) {
                    scp.close();
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Every association, accepted or rejected, goes into the audit trail; one aborted for a refused
     * PDU is a failure. Connections dropped unanswered during a flood arrive here in batches.
     */
    private static AssociationEvents auditing(AuditTrail audit) {
        return new AssociationEvents() {
            @Override
            public void rejected(String callingAeTitle, String calledAeTitle, String remoteAddress, String reason) {
                audit.dicomPeer(callingAeTitle, AuditAction.DICOM_ASSOCIATION, null, false, remoteAddress, "rejected: " + reason);
            }

            @Override
            public void closed(AssociationSummary s) {
                audit.dicomPeer(s.callingAeTitle(), AuditAction.DICOM_ASSOCIATION, null, s.failed() == 0 && !s.protocolViolation(),
                        s.remoteAddress(), String.format("%s ended by %s: %d stored, %d failed, %d echo(es)", s.id(),
                                s.endedBy(), s.stored(), s.failed(), s.echoes()));
            }

            @Override
            public void dropped(long count, String reason) {
                audit.system(AuditAction.DICOM_ASSOCIATION, null, java.util.List.of(), false, "dropped: " + reason);
            }
        };
    }

    public StoreScp scp() {
        return scp;
    }

    /** The TLS listener, when a keystore is configured. */
    public Optional<StoreScp> tlsScp() {
        return Optional.ofNullable(tlsScp);
    }

    public StudySpool spool() {
        return spool;
    }

    @PreDestroy
    @Override
    public void close() {
        scp.close();
        if (tlsScp != null) {
            tlsScp.close();
        }
    }
}
