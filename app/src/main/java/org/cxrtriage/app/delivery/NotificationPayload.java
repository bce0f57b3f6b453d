package org.cxrtriage.app.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cxrtriage.app.delivery.ResultMessage.Finding;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The JSON document of a critical-finding notification (schema in the delivery README). Fields
 * come in a fixed order, absent optional values are left out, strings are cleaned and bounded.
 * Patient name and ID are present only when the destination is configured to include them.
 */
final class NotificationPayload {

    static final String TYPE = "cxr-triage.critical-finding";
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private NotificationPayload() {
    }

    /** UTF-8 JSON bytes: exactly what is sent and signed. */
    static byte[] json(ResultMessage message, boolean includePatient) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", TYPE);
        root.put("version", VERSION);
        root.put("deliveryId", Notification.deliveryId(message));
        root.put("studyInstanceUid", SafeText.clean(message.studyInstanceUid(), SafeText.SHORT));
        root.put("accessionNumber", SafeText.clean(message.study().accessionNumber(), SafeText.SHORT));
        root.put("revision", message.revision());
        root.put("correction", message.isCorrection());
        root.put("priority", SafeText.clean(message.priority(), SafeText.SHORT));
        root.put("raisedByAi", message.raisedByAi());
        root.put("scoredAt", message.scoredAt().toString());
        ArrayNode findings = root.putArray("criticalFindings");
        for (Finding finding : Notification.criticalFindings(message)) {
            ObjectNode node = findings.addObject();
            node.put("key", SafeText.clean(finding.key(), SafeText.SHORT));
            node.put("display", SafeText.clean(finding.display(), SafeText.MEDIUM));
            node.put("system", SafeText.clean(finding.codeSystem(), SafeText.MEDIUM));
            node.put("code", SafeText.clean(finding.code(), SafeText.SHORT));
            if (Double.isFinite(finding.probability())) {
                node.put("probability", finding.probability());
            }
            finding.threshold().filter(Double::isFinite).ifPresent(threshold -> node.put("threshold", threshold));
        }
        url(root, "worklistUrl", message.worklistUrl());
        url(root, "viewerUrl", message.viewerUrl());
        ObjectNode model = root.putObject("model");
        model.put("id", SafeText.clean(message.model().id(), SafeText.SHORT));
        model.put("version", SafeText.clean(message.model().version(), SafeText.SHORT));
        model.put("device", SafeText.clean(message.model().deviceName(), SafeText.SHORT));
        if (includePatient) {
            ObjectNode patient = root.putObject("patient");
            patient.put("name", SafeText.clean(message.study().patientName(), SafeText.SHORT));
            patient.put("id", SafeText.clean(message.study().patientId(), SafeText.SHORT));
            patient.put("issuer", SafeText.clean(message.study().issuerOfPatientId(), SafeText.SHORT));
        }
        try {
            return JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    private static void url(ObjectNode root, String name, Optional<String> url) {
        String clean = url.map(value -> SafeText.clean(value, 2048)).orElse("");
        if (!clean.isEmpty()) {
            root.put(name, clean);
        }
    }
}
