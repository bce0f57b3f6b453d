package org.cxrtriage.app.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import org.cxrtriage.dicom.scp.AssociationEvents;
import org.cxrtriage.dicom.scp.AssociationSummary;
import org.cxrtriage.dicom.store.DicomStatus;

/**
 * The DICOM listener on /prometheus: {@code dicom_associations_total{outcome}} (released, aborted,
 * protocol-violation, idle-timeout, error, rejected, dropped), {@code dicom_c_store_total{status}}
 * (the DIMSE status in hex) and {@code dicom_received_bytes_total}. Tags are a bounded set: no
 * AE titles or addresses, which the audit log has.
 */
final class DicomMetrics implements AssociationEvents {

    private final MeterRegistry meters;

    DicomMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void rejected(String callingAeTitle, String calledAeTitle, String remoteAddress, String reason) {
        association("rejected", 1);
    }

    @Override
    public void closed(AssociationSummary summary) {
        association(outcome(summary), 1);
    }

    @Override
    public void dropped(long count, String reason) {
        association("dropped", count);
    }

    @Override
    public void answered(DicomStatus status, long bytes) {
        meters.counter("dicom.c.store", "status", String.format("0x%04X", status.code())).increment();
        meters.counter("dicom.received.bytes").increment(bytes);
    }

    private void association(String outcome, long count) {
        meters.counter("dicom.associations", "outcome", outcome).increment(count);
    }

    static String outcome(AssociationSummary summary) {
        if (summary.protocolViolation()) {
            return "protocol-violation";
        }
        return switch (summary.endedBy()) {
            case "release" -> "released";
            case "abort" -> "aborted";
            case "idle timeout" -> "idle-timeout";
            default -> summary.endedBy().startsWith("aborted") ? "aborted" : "error";
        };
    }
}
