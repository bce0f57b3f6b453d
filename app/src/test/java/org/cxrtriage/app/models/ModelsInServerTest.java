package org.cxrtriage.app.models;

import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.models.registry.BundledModels;
import org.cxrtriage.models.registry.ModelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry inside the server: health, shadows, refused models, reload under load. */
class ModelsInServerTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Installs a copy of the reference model under another id, as a site would install its own. */
    private static void installCopy(Path modelsDir, String id) throws Exception {
        Path target = BundledModels.extractReference(Files.createDirectories(modelsDir.resolve(id)));
        Path manifest = target.resolve("manifest.json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(manifest.toFile());
        root.put("id", id);
        json.writeValue(manifest.toFile(), root);
    }

    @Test
    void healthShowsActiveAndShadowModelsAndRefusedOnes() throws Exception {
        Path data = dir.resolve("data");
        installCopy(data.resolve("models"), "site-model");
        installCopy(data.resolve("models"), "tampered");
        Files.write(data.resolve("models/tampered/model.onnx"), new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);

        try (TriageServer server = TriageServer.start(Database.H2, data, Map.of("triage.models.shadows", "site-model",
                "triage.models.device", "cuda"))) {
            // Hashes and refused files' paths are details for administrators only.
            String body = http.send(server.as(org.cxrtriage.app.security.Role.ADMIN, "/health").build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            assertTrue(body.contains("\"models\":{\"name\":\"cxr-triage\",\"status\":\"UP\""), body);
            assertTrue(body.contains("\"id\":\"cxr-reference\""), body);
            assertTrue(body.contains("\"id\":\"site-model\""), body);
            assertTrue(body.contains("\"device\":\"cpu\",\"deviceRequested\":\"cuda\",\"deviceNote\":\"CUDA unavailable"), body);
            assertTrue(body.contains("tampered/model.onnx: SHA-256 is"), body);
            ModelRegistry registry = server.context().getBean(ModelRegistry.class);
            assertEquals("cxr-reference", registry.active().manifest().id());
        }
    }

    @Test
    void reloadKeepsServingRequestsInFlight() throws Exception {
        try (TriageServer server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of())) {
            ModelRegistry registry = server.context().getBean(ModelRegistry.class);
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                inFlight.add(registry.active().score(new float[160 * 160]));
            }

            HttpResponse<String> reload = http.send(server.as(org.cxrtriage.app.security.Role.ADMIN, "/admin/models/reload")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, reload.statusCode(), reload.body());
            assertTrue(reload.body().contains("cxr-reference"), reload.body());
            for (CompletableFuture<?> request : inFlight) {
                request.get();
            }
            assertEquals(6, registry.active().score(new float[160 * 160]).get().findings().size(), "the new set serves");
        }
    }

}
