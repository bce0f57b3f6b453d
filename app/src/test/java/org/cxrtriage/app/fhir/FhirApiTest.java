package org.cxrtriage.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.R4Validation;
import org.cxrtriage.app.support.TestUsers;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.cxrtriage.testdata.Encoding;
import org.cxrtriage.testdata.PhantomIdentity;
import org.cxrtriage.testdata.PhantomSpec;
import org.cxrtriage.testdata.Transcoder;
import org.cxrtriage.testdata.View;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FHIR API through HAPI's generic client, and every resource type it emits checked by the
 * HL7 instance validator against the R4 base specification.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class FhirApiTest {

    private Path dir;
    private TriageServer server;
    private IGenericClient client;
    private String pneumothoraxStudy;
    private String normalStudy;
    private final FhirContext context = FhirContext.forR4Cached();

    @BeforeAll
    void pushStudies() throws Exception {
        dir = Files.createTempDirectory("fhir-api");
        server = TriageServer.start(Database.H2, dir.resolve("data"), Map.of());
        PythonPhantoms.Study pneumothorax = PythonPhantoms.study(dir, "pneumothorax", "pneumothorax", 41);
        PythonPhantoms.Study normal = PythonPhantoms.study(dir, "normal", "none", 42);
        pneumothoraxStudy = pneumothorax.studyInstanceUid();
        normalStudy = normal.studyInstanceUid();
        Path lateral = dir.resolve("lateral.dcm");
        Transcoder.write(PhantomSpec.chestCr(PhantomIdentity.newStudy(), 4).withView(View.LATERAL).withSize(300, 300),
                Encoding.EXPLICIT_LITTLE_ENDIAN, lateral);
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(normal.file(), pneumothorax.file(), lateral))
                .allSucceeded(3));
        server.awaitCount(3, "SELECT COUNT(*) FROM worklist_item");
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = context.newRestfulGenericClient("http://127.0.0.1:" + server.httpPort() + "/fhir");
        client.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BasicAuthInterceptor(
                TestUsers.name(Role.RADIOLOGIST), TestUsers.password(Role.RADIOLOGIST, server.dataDir())));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void worklistComesMostUrgentFirstAndPages() {
        Bundle first = client.search().forResource(Task.class).where(Task.STATUS.exactly().code("ready"))
                .sort().descending("priority").sort().descending("triage-score").count(2).returnBundle(Bundle.class).execute();

        assertEquals(3, first.getTotal());
        assertEquals(2, first.getEntry().size());
        Task top = (Task) first.getEntry().get(0).getResource();
        assertEquals(pneumothoraxStudy, top.getIdElement().getIdPart());
        assertEquals(Task.TaskPriority.ASAP, top.getPriority());
        assertEquals("scored", top.getBusinessStatus().getText());
        Bundle second = client.loadPage().next(first).execute();
        assertEquals(1, second.getEntry().size());
        Task last = (Task) second.getEntry().get(0).getResource();
        assertEquals("not scored: lateral view only", last.getBusinessStatus().getText());
    }

    @Test
    void includeBringsTheFocusStudy() {
        Bundle bundle = client.search().forResource(Task.class).where(Task.FOCUS.hasId("ImagingStudy/" + pneumothoraxStudy))
                .include(Task.INCLUDE_FOCUS).returnBundle(Bundle.class).execute();
        assertTrue(bundle.getEntry().stream().anyMatch(e -> e.getResource() instanceof ImagingStudy));
    }

    @Test
    @org.junit.jupiter.api.Order(9)
    void radiologistOpensAndCompletesATaskAndGivesFeedback() throws Exception {
        Task task = client.read().resource(Task.class).withId(normalStudy).execute();
        task.setStatus(Task.TaskStatus.INPROGRESS).setOwner(new Reference().setDisplay("dr.grey"));
        client.update().resource(task).execute();
        task = client.read().resource(Task.class).withId(normalStudy).execute();
        assertEquals(Task.TaskStatus.INPROGRESS, task.getStatus());
        assertEquals("radiologist", task.getOwner().getDisplay(), "the signed-in user, not what the client claims");
        task.setStatus(Task.TaskStatus.COMPLETED);
        client.update().resource(task).execute();

        Bundle observations = client.search().forResource(Observation.class)
                .where(Observation.DERIVED_FROM.hasId("ImagingStudy/" + normalStudy)).returnBundle(Bundle.class).execute();
        Observation first = (Observation) observations.getEntry().get(0).getResource();
        Parameters feedback = new Parameters();
        feedback.addParameter().setName("agree").setValue(new BooleanType(true));
        client.operation().onInstance(first.getIdElement()).named("$feedback").withParameters(feedback).execute();

        assertEquals(List.of("ready", "in-progress", "in-progress", "completed"), server.query(
                "SELECT from_status, to_status FROM task_event WHERE study_instance_uid = ? ORDER BY id", normalStudy).stream()
                .flatMap(List::stream).map(String::valueOf).toList());
        assertEquals(1, server.count("SELECT COUNT(*) FROM finding_feedback WHERE actor = 'radiologist' AND agree = TRUE"));
        assertEquals(1, server.count("SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?"
                + " AND first_opened_at IS NOT NULL AND completed_at IS NOT NULL", normalStudy));
    }

    @Test
    void pneumothoraxObservationIsPositiveWithAProbabilityAndNamesTheModel() {
        Bundle bundle = client.search().forResource(Observation.class)
                .where(Observation.DERIVED_FROM.hasId("ImagingStudy/" + pneumothoraxStudy))
                .and(Observation.CODE.exactly().systemAndCode("http://snomed.info/sct", "36118008"))
                .returnBundle(Bundle.class).execute();
        Observation observation = (Observation) bundle.getEntry().get(0).getResource();
        double probability = ((Quantity) observation.getValue()).getValue().doubleValue();
        assertTrue(probability >= 0 && probability <= 1);
        assertEquals("POS", observation.getInterpretationFirstRep().getCodingFirstRep().getCode());
        Device device = client.read().resource(Device.class).withId(observation.getDevice().getReferenceElement().getIdPart())
                .execute();
        assertEquals("cxr-reference", device.getDeviceNameFirstRep().getName());
    }

    @Test
    void unknownResourcesAnswerWithAnOperationOutcome() {
        ResourceNotFoundException error = assertThrows(ResourceNotFoundException.class,
                () -> client.read().resource(Task.class).withId("1.2.3.4").execute());
        assertTrue(error.getMessage().contains("CXR-404"), error.getMessage());
    }

    @Test
    void everyEmittedResourceTypeValidatesAgainstR4() {
        List<IBaseResource> resources = new ArrayList<>();
        resources.add(client.capabilities().ofType(CapabilityStatement.class).execute());
        Task task = client.read().resource(Task.class).withId(pneumothoraxStudy).execute();
        resources.add(task);
        resources.add(client.read().resource(ImagingStudy.class).withId(pneumothoraxStudy).execute());
        resources.add(client.read().resource(Patient.class).withId(task.getFor().getReferenceElement().getIdPart()).execute());
        Bundle observations = client.search().forResource(Observation.class)
                .where(Observation.DERIVED_FROM.hasId("ImagingStudy/" + pneumothoraxStudy)).returnBundle(Bundle.class).execute();
        resources.add(observations);
        observations.getEntry().forEach(e -> resources.add(e.getResource()));
        Observation observation = (Observation) observations.getEntry().get(0).getResource();
        resources.add(client.read().resource(Device.class).withId(observation.getDevice().getReferenceElement().getIdPart()).execute());
        String report = task.getOutputFirstRep().getValue() instanceof Reference reference ? reference.getReferenceElement().getIdPart() : null;
        resources.add(client.read().resource(DiagnosticReport.class).withId(report).execute());
        resources.add(client.read().resource(Provenance.class).withId(report).execute());
        resources.add(client.search().forResource(Task.class).returnBundle(Bundle.class).execute());

        assertEquals(List.of(), R4Validation.errors(resources));
        assertTrue(R4Validation.errors(List.of(new Task())).stream().anyMatch(error -> error.startsWith("Task")),
                "the validator does report a Task without status");
        assertEquals(java.util.Set.of("CapabilityStatement", "Task", "ImagingStudy", "Patient", "Bundle", "Observation",
                "Device", "DiagnosticReport", "Provenance"),
                resources.stream().map(IBaseResource::fhirType).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void xmlIsServedToo() throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.httpPort() + "/fhir/Task/" + pneumothoraxStudy + "?_format=xml"))
                .header("Authorization", server.basic(Role.INTEGRATION)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        Task task = context.newXmlParser().parseResource(Task.class, response.body());
        assertEquals(Task.TaskPriority.ASAP, task.getPriority());
    }
}
