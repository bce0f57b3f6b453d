package org.cxrtriage.app.fhir;

import org.cxrtriage.app.worklist.ResultRow;
import org.cxrtriage.app.worklist.WorklistQueries;
import java.util.Optional;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.cxrtriage.app.audit.References;
import org.cxrtriage.app.worklist.FindingRow;
import java.util.Set;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Provenance;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The model runs behind the worklist: DiagnosticReport, Device and Provenance. */
final class ResultProviders {

    private ResultProviders() {
    }

    /**
     * One DiagnosticReport per model run (preliminary; cancelled once a later revision superseded it).
     * Search by subject, imaging-study and _lastUpdated; {@code _revinclude=Provenance:target}.
     */
    @Singleton
    public static final class DiagnosticReports implements IResourceProvider {
        /** DiagnosticReport.imagingStudy: R4 has no such search parameter, a RIS needs one. */
        public static final String SP_IMAGING_STUDY = "imaging-study";

        private final WorklistQueries queries;

        public DiagnosticReports(WorklistQueries queries) {
            this.queries = queries;
        }

        @Override
        public Class<DiagnosticReport> getResourceType() {
            return DiagnosticReport.class;
        }

        @Read
        public DiagnosticReport read(@IdParam IdType id) {
            try {
                long resultId = ObservationProvider.resultId(id).orElseThrow(() -> FhirErrors.notFound("DiagnosticReport", id));
                ResultRow result = queries.scoredResult(resultId).orElseThrow(() -> FhirErrors.notFound("DiagnosticReport", id));
                return new ResultEvidence(queries).report(result, queries.findings(result.id()));
            } catch (SQLException e) {
                throw FhirErrors.database(e);
            }
        }

        @Search
        public IBundleProvider search(@OptionalParam(name = DiagnosticReport.SP_SUBJECT) ReferenceParam subject,
                                      @OptionalParam(name = DiagnosticReport.SP_PATIENT) ReferenceParam patient,
                                      @OptionalParam(name = SP_IMAGING_STUDY) ReferenceParam imagingStudy,
                                      @OptionalParam(name = "_id") TokenOrListParam ids,
                                      @OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated,
                                      @IncludeParam(reverse = true, allow = {"Provenance:target"}) Set<Include> revIncludes) {
            if (subject != null && patient != null) {
                throw new InvalidRequestException("CXR-400: give subject or patient, not both");
            }
            FhirDates updated = FhirDates.of(lastUpdated);
            Set<String> wanted = TaskProvider.values(ids).stream().collect(java.util.stream.Collectors.toSet());
            try {
                ResultEvidence evidence = new ResultEvidence(queries);
                List<SearchResults.Hit> hits = new ArrayList<>();
                List<ResultRow> results = queries.scoredResults(
                        Optional.ofNullable(imagingStudy).map(ReferenceParam::getIdPart),
                        Optional.ofNullable(subject != null ? subject : patient).map(ReferenceParam::getIdPart));
                Map<Long, List<FindingRow>> findings = queries.findings(results.stream().map(ResultRow::id).toList());
                for (ResultRow result : results) {
                    if (!wanted.isEmpty() && !wanted.contains(References.resultId(result.id()))) {
                        continue;
                    }
                    List<FindingRow> its = findings.getOrDefault(result.id(), List.of());
                    DiagnosticReport report = evidence.report(result, its);
                    if (!SearchResults.updatedWithin(report.getMeta().getLastUpdated(), updated)) {
                        continue;
                    }
                    hits.add(new SearchResults.Hit(report, revIncludes == null || revIncludes.isEmpty() ? List.of()
                            : List.of(evidence.provenance(result, its))));
                }
                return SearchResults.of(hits);
            } catch (SQLException e) {
                throw FhirErrors.database(e);
            }
        }
    }

    /** Each model version that produced a result or is installed, as a Device with its rollout state. */
    @Singleton
    public static final class Devices implements IResourceProvider {
        private final WorklistQueries queries;
        private final org.cxrtriage.app.triage.rollout.ModelRollout rollout;

        public Devices(WorklistQueries queries, org.cxrtriage.app.triage.rollout.ModelRollout rollout) {
            this.queries = queries;
            this.rollout = rollout;
        }

        @Override
        public Class<Device> getResourceType() {
            return Device.class;
        }

        @Read
        public Device read(@IdParam IdType id) {
            Device device = all().get(id.getIdPart());
            if (device == null) {
                throw FhirErrors.notFound("Device", id);
            }
            return device;
        }

        @Search
        public IBundleProvider search() {
            return SearchResults.matches(new ArrayList<>(all().values()));
        }

        private Map<String, Device> all() {
            try {
                Map<String, Device> devices = new LinkedHashMap<>();
                for (ResultRow result : queries.scoredResults(Optional.empty(), Optional.empty())) {
                    String id = FhirResources.deviceId(result.modelId(), result.modelVersion(), result.modelSha256());
                    if (!devices.containsKey(id)) {
                        devices.put(id, FhirResources.device(result, queries.findings(result.id())));
                    }
                }
                RolloutDevices.addTo(devices, rollout.list());
                return devices;
            } catch (SQLException e) {
                throw FhirErrors.database(e);
            }
        }
    }

    /** Which model run produced which report and observations, from which study. */
    @Singleton
    public static final class Provenances implements IResourceProvider {
        private final WorklistQueries queries;

        public Provenances(WorklistQueries queries) {
            this.queries = queries;
        }

        @Override
        public Class<Provenance> getResourceType() {
            return Provenance.class;
        }

        @Read
        public Provenance read(@IdParam IdType id) {
            try {
                long resultId = ObservationProvider.resultId(id).orElseThrow(() -> FhirErrors.notFound("Provenance", id));
                ResultRow result = queries.scoredResult(resultId).orElseThrow(() -> FhirErrors.notFound("Provenance", id));
                return new ResultEvidence(queries).provenance(result, queries.findings(result.id()));
            } catch (SQLException e) {
                throw FhirErrors.database(e);
            }
        }

        /**
         * By target (a DiagnosticReport {@code r<id>} or an Observation {@code f<id>}), the one
         * Provenance of the result it belongs to, looked up directly; without a target, every one.
         */
        @Search
        public IBundleProvider search(@OptionalParam(name = Provenance.SP_TARGET) ReferenceParam target) {
            try {
                List<ResultRow> results = target == null ? queries.scoredResults(Optional.empty(), Optional.empty())
                        : targetResult(target.getIdPart()).stream().toList();
                List<Provenance> provenances = new ArrayList<>();
                ResultEvidence evidence = new ResultEvidence(queries);
                for (ResultRow result : results) {
                    provenances.add(evidence.provenance(result, queries.findings(result.id())));
                }
                return SearchResults.matches(provenances);
            } catch (SQLException e) {
                throw FhirErrors.database(e);
            }
        }

        private Optional<ResultRow> targetResult(String id) throws SQLException {
            if (id == null) {
                return Optional.empty();
            }
            if (id.matches("r[0-9]{1,18}")) {
                return queries.scoredResult(Long.parseLong(id.substring(1)));
            }
            if (id.matches("f[0-9]{1,18}")) {
                Optional<FindingRow> finding = queries.finding(Long.parseLong(id.substring(1)));
                return finding.isEmpty() ? Optional.empty() : queries.scoredResult(finding.get().resultId());
            }
            return Optional.empty();
        }
    }
}
