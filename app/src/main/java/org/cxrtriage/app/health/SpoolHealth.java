package org.cxrtriage.app.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.cxrtriage.app.ingest.DicomListener;
import org.cxrtriage.dicom.store.StudySpool;
import org.reactivestreams.Publisher;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health} entry "spool": free disk space against the floor below which instances are
 * refused. DOWN means the PACS is being told to retry later.
 */
@Singleton
public final class SpoolHealth implements HealthIndicator {

    private final DicomListener listener;

    public SpoolHealth(DicomListener listener) {
        this.listener = listener;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        StudySpool spool = listener.spool();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("path", spool.root().toString());
        details.put("minFreeBytes", spool.minFreeBytes());
        HealthStatus status;
        try {
            long free = spool.freeBytes();
            details.put("freeBytes", free);
            status = free >= spool.minFreeBytes() ? HealthStatus.UP : HealthStatus.DOWN;
        } catch (IOException e) {
            details.put("error", e.getMessage());
            status = HealthStatus.DOWN;
        }
        return Publishers.just(HealthResult.builder("spool", status).details(details).build());
    }
}
