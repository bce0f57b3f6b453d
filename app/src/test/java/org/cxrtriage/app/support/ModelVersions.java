package org.cxrtriage.app.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.cxrtriage.models.manifest.ModelDirectory;
import org.cxrtriage.models.registry.BundledModels;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Other versions of the reference model, as a vendor would ship them: the same ONNX file with a
 * new version in its manifest (and its reference profile, whose SHA-256 the manifest records), and
 * optionally every critical operating point moved to 0, so that version flags every study critical
 * and its decisions are told apart from the reference's.
 */
public final class ModelVersions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelVersions() {
    }

    public static Path reference(Path target, String version, boolean flagsEverything) throws Exception {
        return reference(target, version, flagsEverything, false);
    }

    /**
     * @param rejectsEveryImage the reference profile's image distance threshold is 1e-9, so the
     *                          reliability verdict finds every image unlike the reference (unreliable)
     */
    public static Path reference(Path target, String version, boolean flagsEverything, boolean rejectsEveryImage)
            throws Exception {
        BundledModels.extractReference(Files.createDirectories(target));
        ObjectNode manifest = (ObjectNode) JSON.readTree(target.resolve("manifest.json").toFile());
        manifest.put("version", version);
        ObjectNode profileSpec = (ObjectNode) manifest.path("reliability").path("profile");
        Path profileFile = target.resolve(profileSpec.path("file").asText());
        ObjectNode profile = (ObjectNode) JSON.readTree(profileFile.toFile());
        profile.put("version", version);
        if (rejectsEveryImage) {
            ((ObjectNode) profile.path("imageDistance")).put("threshold", 1e-9);
        }
        JSON.writeValue(profileFile.toFile(), profile);
        profileSpec.put("version", version);
        profileSpec.put("sha256", ModelDirectory.sha256(profileFile));
        if (flagsEverything) {
            for (JsonNode finding : manifest.path("findings")) {
                if (finding.path("critical").asBoolean() && finding.has("operatingPoint")) {
                    ((ObjectNode) finding.path("operatingPoint")).put("threshold", 0.0);
                }
            }
        }
        JSON.writeValue(target.resolve("manifest.json").toFile(), manifest);
        return target;
    }

    /**
     * Per finding, how a candidate version and the active one judged the same studies, straight
     * from the result tables (independently of the comparison's own code): {both positive,
     * candidate only, active only, both negative}.
     */
    public static java.util.Map<String, long[]> agreementCounts(TriageServer server, String candidateVersion) throws Exception {
        java.util.Map<String, long[]> counts = new java.util.HashMap<>();
        for (java.util.List<Object> row : server.query("""
                SELECT fc.finding_key, fc.positive, fa.positive, COUNT(*)
                  FROM triage_result c
                  JOIN triage_result a ON a.job_id = c.job_id AND a.rollout_role = 'active' AND a.status = 'SCORED'
                  JOIN finding_result fc ON fc.result_id = c.id
                  JOIN finding_result fa ON fa.result_id = a.id AND fa.finding_key = fc.finding_key
                 WHERE c.model_version = ? AND c.status = 'SCORED' AND a.model_version <> c.model_version
                 GROUP BY fc.finding_key, fc.positive, fa.positive""", candidateVersion)) {
            int cell = (Boolean) row.get(1) ? ((Boolean) row.get(2) ? 0 : 1) : ((Boolean) row.get(2) ? 2 : 3);
            counts.computeIfAbsent((String) row.get(0), key -> new long[4])[cell] = ((Number) row.get(3)).longValue();
        }
        return counts;
    }
}
