package org.cxrtriage.app.audit;

import org.cxrtriage.models.manifest.ModelManifest;

/**
 * A model as the FHIR API and the audit log name it: the Device whose id joins the model id and
 * the start of its ONNX file's SHA-256, so a different file is always a different Device.
 */
public final class ModelDevice {

    private ModelDevice() {
    }

    public static String id(String modelId, String sha256) {
        return modelId.replaceAll("[^A-Za-z0-9.-]", "-") + "-" + sha256.substring(0, 12);
    }

    /** "Device/&lt;id&gt;", resolvable at /fhir/Device. */
    public static String reference(ModelManifest manifest) {
        return "Device/" + id(manifest.id(), manifest.sha256());
    }

    /** Model id, version and full SHA-256, for an audit record's details. */
    public static String describe(ModelManifest manifest) {
        return manifest.id() + " " + manifest.version() + " sha256:" + manifest.sha256();
    }
}
