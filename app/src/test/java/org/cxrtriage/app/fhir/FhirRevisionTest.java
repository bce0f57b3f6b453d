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
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A late instance makes a new revision of a study (issue 11, item 9): the superseded revision's
 * DiagnosticReport and Observations are cancelled and point at what replaced them, the new
 * report's Provenance names them as revisions, and the Task shows the current revision without
 * its priority going down.
 */
class FhirRevisionTest {

    private final FhirContext fhir = FhirContext.forR4Cached();
    private final HttpClient http = HttpClient.newHttpClient();
    private TriageServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private <T extends IBaseResource> T get(String path, Class<T> type, List<IBaseResource> seen) throws Exception {
        HttpResponse<String> response = http.send(server.as(Role.INTEGRATION, "/fhir/" + path).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        T resource = fhir.newJsonParser().parseResource(type, response.body());
        seen.add(resource);
        return resource;
    }

    private static String reportOf(Task task) {
        return ((Reference) task.getOutputFirstRep().getValue()).getReferenceElement().getIdPart();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aSupersededRevisionIsCancelledAndLinksToItsSuccessor(Database database) throws Exception {
        Path dir = Files.createTempDirectory("fhir-revision");
        server = TriageServer.start(database, dir.resolve("data"), Map.of());
        List<IBaseResource> seen = new ArrayList<>();
        PythonPhantoms.Study pneumothorax = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 61);
        String study = pneumothorax.studyInstanceUid();
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(pneumothorax.file())).allSucceeded(1));
        server.awaitCount(1, "SELECT COUNT(*) FROM triage_result WHERE study_instance_uid = ? AND shadow = FALSE", study);
        Task before = get("Task/" + study, Task.class, seen);
        String oldReport = reportOf(before);
        assertEquals(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY,
                get("DiagnosticReport/" + oldReport, DiagnosticReport.class, seen).getStatus());
        String derivedFrom = "Observation?derived-from=" + URLEncoder.encode("ImagingStudy/" + study, StandardCharsets.UTF_8);
        List<String> oldObservations = get(derivedFrom, Bundle.class, seen).getEntry().stream()
                .map(e -> e.getResource().getIdElement().getIdPart()).toList();
        assertTrue(!oldObservations.isEmpty());

        PhantomIdentity late = new PhantomIdentity("X", "LATE^LATERAL", "F", "A", study, PhantomIdentity.newUid(),
                PhantomIdentity.newUid());
        Path lateral = dir.resolve("late-lateral.dcm");
        Transcoder.write(PhantomSpec.chestCr(late, 8).withView(View.LATERAL).withSize(300, 300), Encoding.EXPLICIT_LITTLE_ENDIAN,
                lateral);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(lateral)).allSucceeded(1));
        server.awaitCount(2, "SELECT COUNT(*) FROM triage_result WHERE study_instance_uid = ? AND shadow = FALSE", study);

        Task after = get("Task/" + study, Task.class, seen);
        assertTrue(after.getPriority().ordinal() >= before.getPriority().ordinal(), "priority never goes down");
        assertNotEquals(before.getMeta().getVersionId(), after.getMeta().getVersionId(), "the Task changed version");
        DiagnosticReport superseded = get("DiagnosticReport/" + oldReport, DiagnosticReport.class, seen);
        assertEquals(DiagnosticReport.DiagnosticReportStatus.CANCELLED, superseded.getStatus());
        assertEquals("2", superseded.getMeta().getVersionId());
        String businessStatus = after.getBusinessStatus().getCodingFirstRep().getCode();
        if ("scored".equals(businessStatus)) {
            // the current revision has its own report; the old one names it, its Provenance names the old one
            String newReport = reportOf(after);
            assertNotEquals(oldReport, newReport);
            assertTrue(superseded.getConclusion().contains("DiagnosticReport/" + newReport), superseded.getConclusion());
            Provenance provenance = get("Provenance/" + newReport, Provenance.class, seen);
            assertTrue(provenance.getEntity().stream().anyMatch(e -> e.getRole() == Provenance.ProvenanceEntityRole.REVISION
                    && e.getWhat().getReference().equals("DiagnosticReport/" + oldReport)), "the new report revises the old");
            assertEquals(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY,
                    get("DiagnosticReport/" + newReport, DiagnosticReport.class, seen).getStatus());
        } else {
            // the current revision was not scored: no score, no report, and the note says why the priority stayed
            assertTrue(after.getOutput().isEmpty());
            assertTrue(after.getExtension().isEmpty(), "no triage score for an unscored revision");
            assertTrue(superseded.getConclusion().contains("Task/" + study), superseded.getConclusion());
        }
        for (String id : oldObservations) {
            Observation observation = get("Observation/" + id, Observation.class, seen);
            assertEquals(Observation.ObservationStatus.CANCELLED, observation.getStatus(), id);
            assertTrue(observation.getNote().stream().anyMatch(n -> n.getText().contains("superseded by revision")), id);
        }
        Bundle reports = get("DiagnosticReport?imaging-study=" + URLEncoder.encode("ImagingStudy/" + study, StandardCharsets.UTF_8)
                + "&_revinclude=Provenance:target", Bundle.class, seen);
        assertTrue(reports.getEntry().stream().anyMatch(e -> e.getResource() instanceof DiagnosticReport report
                && report.getStatus() == DiagnosticReport.DiagnosticReportStatus.CANCELLED));
        assertEquals(List.of(), R4Validation.errors(seen));
    }
}
