package org.cxrtriage.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
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
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 item 9, the branch {@link FhirRevisionTest} cannot force: a study the AI scored asap for
 * a pneumothorax receives a late instance that makes its new revision unscorable.
 *
 * <p>The late instance is a repeat PA film of the same patient, in a new series of the same study,
 * whose header carries a corrected Patient Age of 15 years (the registration was fixed between the
 * two exposures, as happens when a guardian's details were entered first). Quality control judges
 * the whole study again and finds a paediatric patient: the adult models must not score it, so
 * revision 2 is "not scored: paediatric patient". That is a frontal image (a lateral would leave the
 * study scored, which is FhirRevisionTest's case), so the outcome is deterministic.
 *
 * <p>What must hold afterwards, over FHIR (every resource read is checked by HAPI's validator) and
 * in the web worklist's JSON: the Task says not scored with the reason, shows no score, no output
 * and no claim that the AI flagged a critical finding now; its priority stays asap and its note
 * says why; the old report and observations are cancelled and point at the Task.
 */
class LateUnscoredRevisionTest {

    private static final String RESULTS = "SELECT COUNT(*) FROM triage_result WHERE study_instance_uid = ? AND shadow = FALSE";
    private static final String FLAGGED = "AI flagged a critical finding";

    private final FhirContext fhir = FhirContext.forR4Cached();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private TriageServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aLatePaediatricFilmMakesTheStudyUnscoredWithoutLoweringItsPriority(Database database) throws Exception {
        Path dir = Files.createTempDirectory("late-unscored");
        server = TriageServer.start(database, dir.resolve("data"), Map.of());
        List<IBaseResource> seen = new ArrayList<>();
        PythonPhantoms.Study pneumothorax = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 41);
        String study = pneumothorax.studyInstanceUid();
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(pneumothorax.file())).allSucceeded(1));
        server.awaitCount(1, RESULTS, study);

        Task before = get("Task/" + study, Task.class, seen);
        assertEquals("scored", before.getBusinessStatus().getCodingFirstRep().getCode(), "precondition: revision 1 scored");
        assertEquals(Task.TaskPriority.ASAP, before.getPriority(), "precondition: the AI raised the pneumothorax");
        assertEquals(FLAGGED, before.getDescription());
        String oldReport = ((Reference) before.getOutputFirstRep().getValue()).getReferenceElement().getIdPart();
        String derivedFrom = "Observation?derived-from=" + URLEncoder.encode("ImagingStudy/" + study, StandardCharsets.UTF_8);
        List<String> oldObservations = get(derivedFrom, Bundle.class, seen).getEntry().stream()
                .map(e -> e.getResource().getIdElement().getIdPart()).toList();
        assertFalse(oldObservations.isEmpty());

        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(repeatFilmAged15(pneumothorax, dir)))
                .allSucceeded(1));
        server.awaitCount(2, RESULTS, study);
        assertEquals(List.of(List.of("NOT_SCORED")), server.query("SELECT status FROM triage_result"
                + " WHERE study_instance_uid = ? AND study_revision = 2 AND shadow = FALSE", study));

        Task after = get("Task/" + study, Task.class, seen);
        assertNotEquals(before.getMeta().getVersionId(), after.getMeta().getVersionId(), "the Task changed version");
        assertEquals("not-scored", after.getBusinessStatus().getCodingFirstRep().getCode());
        String reason = after.getBusinessStatus().getText();
        assertTrue(reason.contains("paediatric patient (under 18 years)"), reason);
        assertTrue(after.getOutput().isEmpty(), "no report stands for an unscored revision");
        assertTrue(after.getExtension().isEmpty(), "no triage score for an unscored revision");
        assertEquals(Task.TaskPriority.ASAP, after.getPriority(), "priority never goes down");
        assertFalse(after.hasDescription() && after.getDescription().contains("critical"), after.getDescription());
        assertFalse(reason.contains(FLAGGED), reason);
        List<String> notes = after.getNote().stream().map(Annotation::getText).toList();
        assertTrue(notes.stream().anyMatch(n -> n.contains("kept from an earlier revision")
                && n.contains("never lowers the priority")), "the note says why asap stayed: " + notes);
        for (String note : notes) {
            // the only mention of the flag is attributed to the earlier revision, never claimed for the current one
            assertFalse(note.replace("an earlier revision of this study, in which the " + FLAGGED, "").contains(FLAGGED), note);
        }

        DiagnosticReport superseded = get("DiagnosticReport/" + oldReport, DiagnosticReport.class, seen);
        assertEquals(DiagnosticReport.DiagnosticReportStatus.CANCELLED, superseded.getStatus());
        assertTrue(superseded.getConclusion().contains("Task/" + study)
                && superseded.getConclusion().contains("revision 2 was not scored: paediatric patient"), superseded.getConclusion());
        for (String id : oldObservations) {
            Observation observation = get("Observation/" + id, Observation.class, seen);
            assertEquals(Observation.ObservationStatus.CANCELLED, observation.getStatus(), id);
            assertTrue(observation.getNote().stream().anyMatch(n -> n.getText().contains("superseded by revision 2")
                    && n.getText().contains("Task/" + study)), id);
        }
        Bundle reports = get("DiagnosticReport?imaging-study=" + URLEncoder.encode("ImagingStudy/" + study, StandardCharsets.UTF_8),
                Bundle.class, seen);
        assertFalse(reports.getEntry().isEmpty(), "the superseded report is still found by its study");
        assertTrue(reports.getEntry().stream().allMatch(e -> e.getResource() instanceof DiagnosticReport report
                && report.getStatus() == DiagnosticReport.DiagnosticReportStatus.CANCELLED), "no report is left preliminary");
        assertEquals(List.of(), R4Validation.errors(seen));

        JsonNode row = webRow(study);
        assertEquals("not-scored", row.get("businessStatus").asText(), row.toString());
        assertTrue(row.get("reason").asText().contains("paediatric patient (under 18 years)"), row.toString());
        assertEquals("asap", row.get("priority").asText(), row.toString());
        assertEquals(0, row.get("chips").size(), "no finding chips for an unscored revision: " + row);
        assertFalse(row.get("positive").asBoolean(), row.toString());
        assertTrue(row.path("score").isNull() || row.path("score").isMissingNode(),
                "no score for an unscored revision, as FHIR shows none: " + row);
    }

    /** A repeat PA film of the same patient in a new series of the same study, with the corrected age. */
    private static Path repeatFilmAged15(PythonPhantoms.Study original, Path dir) throws Exception {
        AttributeList header = new AttributeList();
        header.read(original.file().toFile());
        PhantomIdentity same = new PhantomIdentity(value(header, TagFromName.PatientID),
                value(header, TagFromName.PatientName), value(header, TagFromName.PatientSex),
                value(header, TagFromName.AccessionNumber), original.studyInstanceUid(), PhantomIdentity.newUid(),
                PhantomIdentity.newUid());
        Path file = dir.resolve("repeat-pa.dcm");
        Transcoder.write(PhantomSpec.chestCr(same, 15).withPatientAge(15), Encoding.EXPLICIT_LITTLE_ENDIAN, file);
        return file;
    }

    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag);
    }

    private <T extends IBaseResource> T get(String path, Class<T> type, List<IBaseResource> seen) throws Exception {
        HttpResponse<String> response = http.send(server.as(Role.INTEGRATION, "/fhir/" + path).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        T resource = fhir.newJsonParser().parseResource(type, response.body());
        seen.add(resource);
        return resource;
    }

    private JsonNode webRow(String study) throws Exception {
        HttpResponse<String> response = http.send(server.as(Role.RADIOLOGIST, "/api/worklist")
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        for (JsonNode row : json.readTree(response.body()).get("rows")) {
            if (study.equals(row.get("studyUid").asText())) {
                return row;
            }
        }
        throw new AssertionError("the study is not on the web worklist: " + response.body());
    }
}
