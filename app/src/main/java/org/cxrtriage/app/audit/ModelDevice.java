package org.cxrtriage.app.audit;

import org.cxrtriage.models.manifest.ModelManifest;

/**
 * A model as the FHIR API and the audit log name it: the Device whose id joins the model id, its
 * version and the start of its ONNX file's SHA-256, so a different file, or the same file with
 * another calibration (a new version), is always a different Device. At most 64 characters.
 */
public final class ModelDevice {

    private ModelDevice() {
    }

    public static String id(String modelId, String version, String sha256) {
        String name = (modelId + "-" + version).replaceAll("[^A-Za-z0-9.-]", "-");
        return (name.length() > 51 ? name.substring(0, 51) : name) + "-" + sha256.substring(0, 12);
    }

    /** "Device/&lt;id&gt;", resolvable at /fhir/Device. */
    public static String reference(ModelManifest manifest) {
        return "Device/" + id(manifest.id(), manifest.version(), manifest.sha256());
    }

    /** Model id, version and full SHA-256, for an audit record's details. */
    public static String describe(ModelManifest manifest) {
        return manifest.id() + " " + manifest.version() + " sha256:" + manifest.sha256();
    }
}
