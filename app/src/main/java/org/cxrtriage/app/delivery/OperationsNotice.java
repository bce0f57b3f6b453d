package org.cxrtriage.app.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;

/**
 * An event for administrators that carries no patient data at all: what happened to which model
 * version, why, when and on which node. Sent as a signed webhook body (README "Model rollout") and
 * as a plain-text e-mail.
 *
 * @param type     the audit action code of the event, e.g. {@code model.auto-rollback}
 * @param resource the event's audit resource, e.g. {@code Device/<id>}
 * @param node     the host on which it happened
 */
public record OperationsNotice(String type, String modelId, String modelVersion, String resource, String reason,
                               Instant occurredAt, String node) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public OperationsNotice {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(node, "node");
    }

    /** The webhook body; {@code deliveryId} is the same on every attempt of one row. */
    byte[] json(String deliveryId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "cxr-triage." + type);
        body.put("version", 1);
        body.put("deliveryId", deliveryId);
        ObjectNode model = body.putObject("model");
        model.put("id", modelId);
        model.put("version", modelVersion);
        model.put("device", resource.startsWith("Device/") ? resource.substring("Device/".length()) : resource);
        body.put("reason", reason);
        body.put("occurredAt", occurredAt.toString());
        body.put("node", node);
        body.put("audience", "ADMIN");
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException("an operations notice could not be written as JSON", e);
        }
    }

    String subject() {
        return "cxr-triage: " + modelId + " " + modelVersion + (type.equals("model.auto-rollback")
                ? " went back to shadow by itself" : ": " + type);
    }

    String text() {
        return subject() + "\n\nModel: " + modelId + " " + modelVersion + " (" + resource + ")\nEvent: " + type
                + "\nReason: " + reason + "\nAt: " + occurredAt + "\nNode: " + node
                + "\n\nThe change is in the model's history (./cxr-triage model history " + modelId
                + ") and on the admin page. This message carries no patient data.\n";
    }
}
