package org.cxrtriage.app.health;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import org.cxrtriage.app.audit.AuditTrail;
import org.reactivestreams.Publisher;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /health} entry "auditChain": when the server last checked the whole audit chain (every
 * 10 minutes) and what it found. A broken chain is DEGRADED: triage goes on, but compliance
 * must investigate with {@code ./cxr-triage audit verify}.
 */
@Singleton
public final class AuditChainHealth implements HealthIndicator {

    private final AuditTrail audit;

    public AuditChainHealth(AuditTrail audit) {
        this.audit = audit;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        HealthStatus status = HealthStatus.UP;
        var last = audit.lastVerification();
        if (last.isEmpty()) {
            details.put("lastCheck", "not yet (the first runs 20 s after start)");
        } else {
            details.put("lastCheck", last.get().checkedAt().toString());
            details.put("intact", last.get().verdict().intact());
            if (!last.get().verdict().intact()) {
                details.put("brokenAt", last.get().verdict().firstBrokenSequence().orElse(-1L));
                details.put("advice", "run ./cxr-triage audit verify and investigate");
                status = new HealthStatus("DEGRADED");
            }
        }
        return Publishers.just(HealthResult.builder("auditChain", status).details(details).build());
    }
}
