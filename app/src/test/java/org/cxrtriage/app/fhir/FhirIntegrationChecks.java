package org.cxrtriage.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.R4Validation;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.cxrtriage.testdata.View;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a RIS hits first (issue 11, items 12 and 14), over plain HTTP against the real server:
 * versions, ETag and If-Match, {@code _lastUpdated}, unsupported parameters, the searches a RIS
 * expects, search.mode, the CapabilityStatement and the triage-score StructureDefinition. Every
 * resource and bundle seen is checked by the HL7 validator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FhirIntegrationChecks {

    private final Database database;
    private final FhirContext fhir = FhirContext.forR4Cached();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<IBaseResource> seen = new ArrayList<>();
    private Path dir;
    private TriageServer server;
    private String pneumothorax;
    private String normal;
    private String lateral;

    FhirIntegrationChecks(Database database) {
        this.database = database;
    }

    @BeforeAll
    void pushStudies() throws Exception {
        dir = Files.createTempDirectory("fhir-integration");
        server = TriageServer.start(database, dir.resolve("data"), Map.of());
        PythonPhantoms.Study p = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 51);
        PythonPhantoms.Study n = PythonPhantoms.study(dir, "normal", "none", 52);
        pneumothorax = p.studyInstanceUid();
        normal = n.studyInstanceUid();
        Path lateralFile = dir.resolve("lateral.dcm");
        PhantomIdentity identity = PhantomIdentity.newStudy();
        Transcoder.write(PhantomSpec.chestCr(identity, 4).withView(View.LATERAL).withSize(300, 300),
                Encoding.EXPLICIT_LITTLE_ENDIAN, lateralFile);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(p.file(), n.file(), lateralFile)).allSucceeded(3));
        server.awaitCount(3, "SELECT COUNT(*) FROM worklist_item");
        lateral = String.valueOf(server.query("SELECT study_instance_uid FROM worklist_item WHERE business_status = 'not-scored'")
                .get(0).get(0));
    }

    @AfterAll
    void stop() {
        // The validator cannot build a snapshot of a differential-only StructureDefinition here (its copy of the
        // R4 core package has no package id): that one message is the environment's, every other one counts.
        assertEquals(List.of(), R4Validation.errors(seen).stream().filter(error -> !error.startsWith(
                "StructureDefinition StructureDefinition: Error generating Snapshot: Unable to resolve package id")).toList(),
                "everything served validates against R4");
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(server.as(Role.INTEGRATION, "/fhir/" + path).header("Accept", "application/fhir+json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private <T extends IBaseResource> T parse(HttpResponse<String> response, Class<T> type) {
        T resource = fhir.newJsonParser().parseResource(type, response.body());
        seen.add(resource);
        return resource;
    }

    private Bundle search(String query) throws Exception {
        HttpResponse<String> response = get(query);
        assertEquals(200, response.statusCode(), query + ": " + response.body());
        Bundle bundle = parse(response, Bundle.class);
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            assertTrue(entry.getSearch().hasMode(), query + ": every entry says its search.mode");
        }
        return bundle;
    }

    private static Set<String> ids(Bundle bundle, String type, Bundle.SearchEntryMode mode) {
        return bundle.getEntry().stream().filter(e -> e.getResource().fhirType().equals(type))
                .filter(e -> e.getSearch().getMode() == mode)
                .map(e -> e.getResource().getIdElement().getIdPart()).collect(Collectors.toSet());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> put(Task task, String ifMatch) throws Exception {
        HttpRequest.Builder request = server.as(Role.RADIOLOGIST, "/fhir/Task/" + task.getIdElement().getIdPart())
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(fhir.newJsonParser().encodeResourceToString(task)));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- item 12: versions, ETag, If-Match, _lastUpdated, unsupported parameters ----

    @Test
    void readsCarryVersionLastUpdatedETagAndLastModified() throws Exception {
        HttpResponse<String> response = get("Task/" + normal);
        Task task = parse(response, Task.class);
        assertTrue(task.getMeta().hasVersionId() && task.getMeta().hasLastUpdated(), response.body());
        assertEquals("W/\"" + task.getMeta().getVersionId() + "\"", response.headers().firstValue("ETag").orElse(null));
        Instant lastModified = DateTimeFormatter.RFC_1123_DATE_TIME.parse(
                response.headers().firstValue("Last-Modified").orElseThrow(), Instant::from);
        assertEquals(task.getMeta().getLastUpdated().toInstant().getEpochSecond(), lastModified.getEpochSecond());

        HttpResponse<String> study = get("ImagingStudy/" + normal);
        ImagingStudy imagingStudy = parse(study, ImagingStudy.class);
        assertEquals("W/\"" + imagingStudy.getMeta().getVersionId() + "\"", study.headers().firstValue("ETag").orElse(null));
        assertTrue(study.headers().firstValue("Last-Modified").isPresent());
        String report = ((org.hl7.fhir.r4.model.Reference) parse(get("Task/" + pneumothorax), Task.class)
                .getOutputFirstRep().getValue()).getReferenceElement().getIdPart();
        HttpResponse<String> reportResponse = get("DiagnosticReport/" + report);
        assertEquals("W/\"1\"", reportResponse.headers().firstValue("ETag").orElse(null));
        assertTrue(parse(reportResponse, DiagnosticReport.class).getMeta().hasLastUpdated());
    }

    @Test
    void putTaskHonoursIfMatchAndAStaleVersionIs412() throws Exception {
        HttpResponse<String> read = get("Task/" + lateral);
        Task task = parse(read, Task.class);
        String etag = read.headers().firstValue("ETag").orElseThrow();

        task.setStatus(Task.TaskStatus.INPROGRESS);
        HttpResponse<String> first = put(task, etag);
        assertEquals(200, first.statusCode(), first.body());
        String newTag = first.headers().firstValue("ETag").orElseThrow();
        assertFalse(newTag.equals(etag), "an update gives a new version: " + etag + " -> " + newTag);

        task.setStatus(Task.TaskStatus.COMPLETED);
        HttpResponse<String> stale = put(task, etag);
        assertEquals(412, stale.statusCode(), stale.body());
        OperationOutcome outcome = parse(stale, OperationOutcome.class);
        assertTrue(outcome.getIssueFirstRep().getDiagnostics().contains("CXR-412"), stale.body());
        assertEquals(List.of(List.of("in-progress")), server.query(
                "SELECT status FROM worklist_item WHERE study_instance_uid = ?", lateral), "the stale update changed nothing");

        HttpResponse<String> current = put(task, newTag);
        assertEquals(200, current.statusCode(), current.body());
        assertEquals(List.of(List.of("completed")), server.query(
                "SELECT status FROM worklist_item WHERE study_instance_uid = ?", lateral));
        assertEquals(412, put(task, "W/\"not-a-version\"").statusCode());

        // _lastUpdated: only the Task changed just now is at or after its new lastUpdated
        Task changed = parse(get("Task/" + lateral), Task.class);
        String since = new InstantType(changed.getMeta().getLastUpdated()).getValueAsString();
        assertEquals(Set.of(lateral), ids(search("Task?_lastUpdated=" + encode("ge" + since)), "Task", Bundle.SearchEntryMode.MATCH));
        assertEquals(Set.of(pneumothorax, normal),
                ids(search("Task?_lastUpdated=" + encode("lt" + since)), "Task", Bundle.SearchEntryMode.MATCH));
    }

    @Test
    void lastUpdatedFiltersReportsAndStudies() throws Exception {
        String future = Instant.now().plusSeconds(3600).atOffset(ZoneOffset.UTC).toString();
        assertEquals(0, search("DiagnosticReport?_lastUpdated=" + encode("gt" + future)).getTotal());
        assertEquals(2, search("DiagnosticReport?_lastUpdated=" + encode("lt" + future)).getTotal());
        assertEquals(0, search("ImagingStudy?_lastUpdated=" + encode("gt" + future)).getTotal());
        assertEquals(0, search("Observation?_lastUpdated=" + encode("gt" + future)).getTotal());
        assertTrue(search("Observation?_lastUpdated=" + encode("lt" + future)).getTotal() > 0);
    }

    @Test
    void anUnsupportedSearchParameterIs400NeverIgnored() throws Exception {
        for (String query : List.of("Task?foo=bar", "Task?_has:Observation:focus:code=x", "Task?_text=pneumothorax",
                "DiagnosticReport?_sort=issued", "ImagingStudy?_id=1.2.3", "Observation?subject.name=Smith",
                "Task?_revinclude=Provenance:target")) {
            HttpResponse<String> response = get(query);
            assertEquals(400, response.statusCode(), query + ": " + response.body());
            OperationOutcome outcome = parse(response, OperationOutcome.class);
            assertEquals(OperationOutcome.IssueSeverity.ERROR, outcome.getIssueFirstRep().getSeverity(), query);
            // parameters no search method of the type declares at all (foo, _id on ImagingStudy, _revinclude on Task)
            // HAPI refuses itself; those it would have ignored (_text, _has, _sort, chains) we refuse
            if (query.contains("_text") || query.contains("_has") || query.contains("_sort") || query.contains(".name")) {
                assertTrue(outcome.getIssueFirstRep().getDiagnostics().contains("CXR-400"), query + ": " + response.body());
            }
        }
        assertEquals(3, search("Task?_count=10&_format=json").getTotal(), "result parameters stay accepted");
    }

    // ---- item 13: paging state in the database ----

    @Test
    void nextLinksSurviveHundredsOfOtherSearchesOtherNodesAndExpireOnlyAfterTheirLifetime() throws Exception {
        Bundle first = search("Task?_count=1");
        assertEquals(3, first.getTotal());
        String next = first.getLink("next").getUrl();
        String path = next.substring(next.indexOf("/fhir") + "/fhir".length()).replaceFirst("^/", "");
        for (int i = 0; i < 250; i++) {
            assertEquals(200, get("Task?_count=1&status=ready,in-progress,completed").statusCode());
        }
        assertTrue(server.count("SELECT COUNT(*) FROM fhir_search") >= 251, "each paged search is kept");

        Bundle second = search(path);
        assertEquals(1, second.getEntry().size(), second.getLink("self").getUrl());
        assertEquals(Bundle.SearchEntryMode.MATCH, second.getEntryFirstRep().getSearch().getMode());
        assertFalse(ids(first, "Task", Bundle.SearchEntryMode.MATCH).equals(ids(second, "Task", Bundle.SearchEntryMode.MATCH)));
        assertEquals(3, second.getTotal());

        HttpResponse<String> otherUser = http.send(server.as(Role.RADIOLOGIST, "/fhir/" + path).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(410, otherUser.statusCode(), "another user's search is not theirs to page: " + otherUser.body());

        try (TriageServer other = secondNode()) {
            if (other != null) {
                HttpResponse<String> elsewhere = http.send(other.as(Role.INTEGRATION, "/fhir/" + path).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, elsewhere.statusCode(), "the next link works on another node: " + elsewhere.body());
                assertEquals(ids(second, "Task", Bundle.SearchEntryMode.MATCH), ids(parse(elsewhere, Bundle.class), "Task",
                        Bundle.SearchEntryMode.MATCH));
            }
        }

        String id = path.replaceAll(".*_getpages=([^&]+).*", "$1");
        server.update("UPDATE fhir_search SET created_at = ? WHERE id = ?",
                java.time.OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(31), id);
        assertEquals(200, get(path).statusCode(), "still there after 31 minutes");
        server.update("UPDATE fhir_search SET created_at = ? WHERE id = ?",
                java.time.OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(61), id);
        assertEquals(410, get(path).statusCode(), "gone after its 60-minute lifetime");
    }

    @Test
    void auditEventPagesAreStablePinnedAndWorkOnAnotherNode() throws Exception {
        Bundle first = auditSearch(server, "AuditEvent?_count=2");
        int total = first.getTotal();
        assertTrue(total > 4, "the pushes left audit records: " + total);
        String next = first.getLink("next").getUrl();
        String path = next.substring(next.indexOf("/fhir") + "/fhir".length()).replaceFirst("^/", "");
        assertEquals(1, server.count("SELECT COUNT(*) FROM fhir_search WHERE id = ? AND audit_through IS NOT NULL",
                path.replaceAll(".*_getpages=([^&]+).*", "$1")), "the query is kept in the database, not its records");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get("Task/" + normal).statusCode(), "reads add audit records after the search");
        }
        Bundle second = auditSearch(server, path);
        assertEquals(total, second.getTotal(), "pinned to the chain head at search time");
        List<Long> ids = new ArrayList<>();
        for (Bundle page : List.of(first, second)) {
            page.getEntry().forEach(entry -> ids.add(Long.parseLong(entry.getResource().getIdElement().getIdPart())));
        }
        for (int i = 1; i < ids.size(); i++) {
            assertEquals(ids.get(i - 1) + 1, ids.get(i), "oldest first, no record skipped or repeated: " + ids);
        }
        assertEquals(410, http.send(server.as(Role.INTEGRATION, "/fhir/" + path).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode(), "only the compliance officer who searched may page through it");
        try (TriageServer other = secondNode()) {
            if (other != null) {
                Bundle elsewhere = auditSearch(other, path);
                assertEquals(second.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList(),
                        elsewhere.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList(),
                        "the next link works on another node");
            }
        }
    }

    private Bundle auditSearch(TriageServer node, String path) throws Exception {
        HttpResponse<String> response = http.send(node.as(Role.COMPLIANCE, "/fhir/" + path)
                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return parse(response, Bundle.class);
    }

    /** A second node on the same database (PostgreSQL only: the embedded H2 file belongs to one process). */
    private TriageServer secondNode() {
        Map<String, String> environment = server.databaseEnvironment();
        if (environment.isEmpty()) {
            return null;
        }
        return TriageServer.start(database, dir.resolve("node2"), Map.of("datasources.default.url", environment.get("TRIAGE_DB_URL"),
                "datasources.default.username", environment.get("TRIAGE_DB_USER"),
                "datasources.default.password", environment.get("TRIAGE_DB_PASSWORD")));
    }

    // ---- item 14: the searches a RIS expects, search.mode, CapabilityStatement, StructureDefinition ----

    @Test
    void taskSearchesByPatientIdAndBusinessStatus() throws Exception {
        Task task = parse(get("Task/" + pneumothorax), Task.class);
        String patient = task.getFor().getReferenceElement().getIdPart();
        long studiesOfPatient = server.count("SELECT COUNT(*) FROM study WHERE patient_key = ?", patient);
        Bundle byPatient = search("Task?patient=" + encode("Patient/" + patient));
        assertEquals(studiesOfPatient, byPatient.getTotal());
        assertTrue(ids(byPatient, "Task", Bundle.SearchEntryMode.MATCH).contains(pneumothorax));
        assertFalse(ids(byPatient, "Task", Bundle.SearchEntryMode.MATCH).contains(lateral));

        assertEquals(Set.of(pneumothorax, normal), ids(search("Task?_id=" + encode(pneumothorax + "," + normal)), "Task",
                Bundle.SearchEntryMode.MATCH));
        assertEquals(Set.of(lateral), ids(search("Task?business-status=not-scored"), "Task", Bundle.SearchEntryMode.MATCH));
        assertEquals(Set.of(pneumothorax, normal), ids(search("Task?business-status="
                + encode("https://cxr-triage.org/fhir/CodeSystem/business-status|scored")), "Task", Bundle.SearchEntryMode.MATCH));
        HttpResponse<String> unknown = get("Task?business-status=maybe");
        assertEquals(400, unknown.statusCode(), unknown.body());

        Bundle included = search("Task?_id=" + pneumothorax + "&_include=Task:focus");
        assertEquals(1, included.getTotal());
        assertEquals(Set.of(pneumothorax), ids(included, "Task", Bundle.SearchEntryMode.MATCH));
        assertEquals(Set.of(pneumothorax), ids(included, "ImagingStudy", Bundle.SearchEntryMode.INCLUDE));
    }

    @Test
    void reportsByImagingStudyWithTheirProvenance() throws Exception {
        Bundle reports = search("DiagnosticReport?imaging-study=" + encode("ImagingStudy/" + pneumothorax)
                + "&_revinclude=Provenance:target");
        assertEquals(1, reports.getTotal(), "total counts matches, not included resources");
        Set<String> matched = ids(reports, "DiagnosticReport", Bundle.SearchEntryMode.MATCH);
        assertEquals(1, matched.size());
        DiagnosticReport report = (DiagnosticReport) reports.getEntry().get(0).getResource();
        assertEquals("ImagingStudy/" + pneumothorax, report.getImagingStudyFirstRep().getReference());
        Set<String> provenances = ids(reports, "Provenance", Bundle.SearchEntryMode.INCLUDE);
        assertEquals(matched, provenances, "the report's Provenance is included");
        Provenance provenance = reports.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Provenance.class::isInstance).map(Provenance.class::cast).findFirst().orElseThrow();
        assertTrue(provenance.getTarget().stream().anyMatch(t -> t.getReference().equals("DiagnosticReport/"
                + matched.iterator().next())));
        assertEquals(Set.of(), ids(search("DiagnosticReport?imaging-study=" + encode("ImagingStudy/" + lateral)),
                "DiagnosticReport", Bundle.SearchEntryMode.MATCH), "an unscored study has no report");

        Bundle observations = search("Observation?derived-from=" + encode("ImagingStudy/" + pneumothorax)
                + "&_revinclude=Provenance:target");
        assertTrue(ids(observations, "Observation", Bundle.SearchEntryMode.MATCH).size() > 1);
        assertEquals(provenances, ids(observations, "Provenance", Bundle.SearchEntryMode.INCLUDE));
    }

    @Test
    void capabilityStatementNamesThisProductAndItsSecurity() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/fhir/metadata"))
                .header("Accept", "application/fhir+json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        CapabilityStatement statement = parse(response, CapabilityStatement.class);
        assertEquals("cxr-triage", statement.getSoftware().getName());
        String version = statement.getSoftware().getVersion();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
        assertEquals(FhirConventions.VERSION, version);
        CapabilityStatement.CapabilityStatementRestSecurityComponent security = statement.getRestFirstRep().getSecurity();
        assertTrue(security.getService().stream().flatMap(s -> s.getCoding().stream()).anyMatch(c -> "Basic".equals(c.getCode())
                && "http://terminology.hl7.org/CodeSystem/restful-security-service".equals(c.getSystem())));
        assertTrue(security.getService().stream().anyMatch(s -> s.getText().startsWith("Bearer")));
        CapabilityStatement.CapabilityStatementRestResourceComponent tasks = statement.getRestFirstRep().getResource().stream()
                .filter(r -> r.getType().equals("Task")).findFirst().orElseThrow();
        Set<String> taskParameters = tasks.getSearchParam().stream().map(p -> p.getName()).collect(Collectors.toSet());
        assertTrue(taskParameters.containsAll(Set.of("patient", "_id", "business-status", "_lastUpdated")), taskParameters.toString());
    }

    @Test
    void triageScoreExtensionIsDefinedAtItsUrl() throws Exception {
        HttpResponse<String> response = get("StructureDefinition/triage-score");
        assertEquals(200, response.statusCode(), response.body());
        StructureDefinition definition = parse(response, StructureDefinition.class);
        Task task = parse(get("Task/" + pneumothorax), Task.class);
        assertEquals(task.getExtension().get(0).getUrl(), definition.getUrl(), "the Task's extension is the one defined");
        assertEquals("Extension", definition.getType());
        assertEquals("decimal", definition.getDifferential().getElement().stream()
                .filter(e -> e.getPath().equals("Extension.value[x]")).findFirst().orElseThrow().getTypeFirstRep().getCode());
        assertNotNull(definition.getMeta().getLastUpdated());
        assertEquals(404, get("StructureDefinition/unknown").statusCode());
    }
}
