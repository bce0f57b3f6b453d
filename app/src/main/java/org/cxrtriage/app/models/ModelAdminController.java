package org.cxrtriage.app.models;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import org.cxrtriage.models.manifest.ManifestException;
import org.cxrtriage.models.registry.ModelRegistry;

import java.net.InetAddress;
import java.util.Map;

/**
 * {@code POST /admin/models/reload} (what {@code ./cxr-triage model reload} calls): loads the
 * models again without dropping work in flight. Until users and roles exist it answers only
 * callers on this machine.
 */
@Controller("/admin/models")
public final class ModelAdminController {

    private final ModelRegistry registry;
    private final org.cxrtriage.app.audit.AuditTrail audit;

    public ModelAdminController(ModelRegistry registry, org.cxrtriage.app.audit.AuditTrail audit) {
        this.registry = registry;
        this.audit = audit;
    }

    @Post("/reload")
    public HttpResponse<Map<String, Object>> reload(HttpRequest<?> request) {
        InetAddress caller = request.getRemoteAddress().getAddress();
        if (caller == null || !caller.isLoopbackAddress()) {
            return HttpResponse.<Map<String, Object>>status(io.micronaut.http.HttpStatus.FORBIDDEN)
                    .body(Map.of("error", "model reload is allowed from this machine only"));
        }
        try {
            ModelRegistry.Snapshot snapshot = registry.reload();
            audit.user("local-admin", "model.reload", null, snapshot.all().stream()
                    .map(m -> "Device/" + m.manifest().id() + " " + m.manifest().version() + " sha256:" + m.manifest().sha256())
                    .toList(), true, caller.getHostAddress(), "problems: " + snapshot.problems());
            return HttpResponse.ok(Map.of(
                    "active", snapshot.active().manifest().id() + " " + snapshot.active().manifest().version(),
                    "shadows", snapshot.shadows().stream().map(m -> m.manifest().id() + " " + m.manifest().version()).toList(),
                    "problems", snapshot.problems()));
        } catch (ManifestException e) {
            return HttpResponse.<Map<String, Object>>status(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY)
                    .body(Map.of("error", e.getMessage(), "note", "the previous models are still running"));
        }
    }
}
