package org.cxrtriage.app.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.cxrtriage.app.ingest.CallerAllowList;
import org.cxrtriage.app.ingest.DicomListener;
import org.cxrtriage.dicom.scp.StoreScp;
import org.reactivestreams.Publisher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /health} entry "dicom": listening or not, port, AE title, connections holding a slot, the
 * limits and the allowed callers (with a warning while any caller is accepted); with DICOM TLS
 * configured also the TLS port, whether it listens and its associations. DOWN when either is down.
 */
@Singleton
public final class DicomListenerHealth implements HealthIndicator {

    private final DicomListener listener;
    private final CallerAllowList allowList;

    public DicomListenerHealth(DicomListener listener, CallerAllowList allowList) {
        this.listener = listener;
        this.allowList = allowList;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        StoreScp scp = listener.scp();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("aeTitle", scp.settings().aeTitle());
        details.put("port", scp.localPort());
        details.put("activeAssociations", scp.activeAssociations());
        details.put("maxAssociations", scp.settings().maxAssociations());
        details.put("maxAssociationsPerAddress", scp.settings().maxAssociationsPerAddress());
        if (allowList.isOpen()) {
            details.put("allowedCallers", "any");
            details.put("warning", allowList.warning());
        } else {
            details.put("allowedCallers", List.copyOf(allowList.allowed()));
        }
        listener.tlsScp().ifPresent(tls -> {
            details.put("tlsPort", tls.localPort());
            details.put("tlsListening", tls.isRunning());
            details.put("tlsActiveAssociations", tls.activeAssociations());
        });
        boolean running = scp.isRunning() && listener.tlsScp().map(StoreScp::isRunning).orElse(true);
        HealthStatus status = running ? HealthStatus.UP : HealthStatus.DOWN;
        return Publishers.just(HealthResult.builder("dicom", status).details(details).build());
    }
}
