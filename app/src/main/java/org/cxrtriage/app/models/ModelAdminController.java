package org.cxrtriage.app.models;

import org.cxrtriage.compliance.AuditAction;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.models.manifest.ManifestException;
import org.cxrtriage.models.registry.ModelRegistry;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /admin/models/reload} (what {@code ./cxr-triage model reload} calls): loads the
 * models again without dropping work in flight. Administrators only (see HttpAccessPolicy).
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
        String admin = AccessFilter.principal(request).map(Principal::name).orElse("unknown");
        try {
            ModelRegistry.Snapshot snapshot = registry.reload();
            audit.user(admin, AuditAction.MODEL_RELOAD, null, ModelsFactory.devices(snapshot), true, AccessFilter.source(request),
                    ModelsFactory.describe(snapshot));
            return HttpResponse.ok(Map.of(
                    "active", snapshot.active().manifest().id() + " " + snapshot.active().manifest().version(),
                    "shadows", snapshot.shadows().stream().map(m -> m.manifest().id() + " " + m.manifest().version()).toList(),
                    "problems", snapshot.problems()));
        } catch (ManifestException e) {
            audit.user(admin, AuditAction.MODEL_RELOAD, null, List.of(), false, AccessFilter.source(request),
                    "refused, previous models still running: " + e.getMessage());
            return HttpResponse.<Map<String, Object>>status(io.micronaut.http.HttpStatus.UNPROCESSABLE_ENTITY)
                    .body(Map.of("error", e.getMessage(), "note", "the previous models are still running"));
        }
    }
}
