package org.cxrtriage.app.fhir;

import org.cxrtriage.app.worklist.FindingRow;
import org.cxrtriage.app.worklist.ResultRow;
import org.cxrtriage.app.worklist.StudyRow;
import org.cxrtriage.app.worklist.WorklistQueries;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the resources of model runs with what they depend on (study, successor, superseded
 * predecessors), caching look-ups for the length of one request.
 */
final class ResultEvidence {

    private final WorklistQueries queries;
    private final Map<String, Optional<StudyRow>> studies = new HashMap<>();
    private final Map<Long, Optional<ResultRow>> results = new HashMap<>();

    ResultEvidence(WorklistQueries queries) {
        this.queries = queries;
    }

    StudyRow study(String uid) throws SQLException {
        Optional<StudyRow> study = studies.get(uid);
        if (study == null) {
            study = queries.study(uid);
            studies.put(uid, study);
        }
        return study.orElse(null);
    }

    /** The result that superseded this one, or null while it is current. */
    ResultRow successor(ResultRow result) throws SQLException {
        if (result.supersededBy() == null) {
            return null;
        }
        Optional<ResultRow> successor = results.get(result.supersededBy());
        if (successor == null) {
            successor = queries.result(result.supersededBy());
            results.put(result.supersededBy(), successor);
        }
        return successor.orElse(null);
    }

    DiagnosticReport report(ResultRow result, List<FindingRow> findings) throws SQLException {
        return FhirResources.report(result, findings, study(result.studyUid()), successor(result));
    }

    Observation observation(FindingRow finding, ResultRow result) throws SQLException {
        return FhirResources.observation(finding, result, study(result.studyUid()), successor(result));
    }

    Provenance provenance(ResultRow result, List<FindingRow> findings) throws SQLException {
        Map<ResultRow, List<FindingRow>> replaced = new LinkedHashMap<>();
        for (ResultRow earlier : queries.supersededBy(result.id())) {
            replaced.put(earlier, queries.findings(earlier.id()));
        }
        return FhirResources.provenance(result, findings, replaced);
    }
}
