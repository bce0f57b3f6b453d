package org.cxrtriage.app.fhir;

import org.cxrtriage.app.worklist.ResultRow;
import org.cxrtriage.app.worklist.WorklistQueries;
import java.util.Optional;

import ca.uhn.fhir.rest.annotation.IdParam;
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

    /** One preliminary DiagnosticReport per model run; search by subject or imaging study. */
    @Singleton
    public static final class DiagnosticReports implements IResourceProvider {
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
                return report(result);
            } catch (SQLException e) {
                throw FhirErrors.database(e);
            }
        }

        @Search
        public List<DiagnosticReport> search(@OptionalParam(name = DiagnosticReport.SP_SUBJECT) ReferenceParam subject) {
            try {
                List<DiagnosticReport> reports = new ArrayList<>();
                List<ResultRow> results = queries.scoredResults(Optional.empty(),
                        Optional.ofNullable(subject).map(ReferenceParam::getIdPart));
                for (ResultRow result : results) {
                    reports.add(report(result));
                }
                return reports;
            } catch (SQLException e) {
                throw FhirErrors.database(e);
            }
        }

        private DiagnosticReport report(ResultRow result) throws SQLException {
            return FhirResources.report(result, queries.findings(result.id()), queries.study(result.studyUid()).orElse(null));
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
        public List<Device> search() {
            return new ArrayList<>(all().values());
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
                return FhirResources.provenance(result, queries.findings(result.id()));
            } catch (SQLException e) {
                throw FhirErrors.database(e);
            }
        }

        @Search
        public List<Provenance> search(@OptionalParam(name = Provenance.SP_TARGET) ReferenceParam target) {
            try {
                List<Provenance> provenances = new ArrayList<>();
                for (ResultRow result : queries.scoredResults(Optional.empty(), Optional.empty())) {
                    Provenance provenance = FhirResources.provenance(result, queries.findings(result.id()));
                    if (target == null || provenance.getTarget().stream()
                            .anyMatch(t -> t.getReference().endsWith("/" + target.getIdPart()))) {
                        provenances.add(provenance);
                    }
                }
                return provenances;
            } catch (SQLException e) {
                throw FhirErrors.database(e);
            }
        }
    }
}
