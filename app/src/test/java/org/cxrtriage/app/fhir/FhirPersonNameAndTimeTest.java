package org.cxrtriage.app.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.support.Database;
import org.cxrtriage.app.support.PythonPhantoms;
import org.cxrtriage.app.support.R4Validation;
import org.cxrtriage.app.support.TriageServer;
import org.cxrtriage.testdata.Dcmtk;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Japanese patient name with alphabetic, ideographic and phonetic groups becomes one HumanName
 * per group, and a study time with Timezone Offset From UTC (0008,0201) is the right instant
 * (issue 11, item 7). The header is written by DCMTK's dcmodify into a real phantom.
 */
class FhirPersonNameAndTimeTest {

    private final FhirContext fhir = FhirContext.forR4Cached();
    private final HttpClient http = HttpClient.newHttpClient();
    private TriageServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private <T extends org.hl7.fhir.instance.model.api.IBaseResource> T get(String path, Class<T> type) throws Exception {
        HttpResponse<String> response = http.send(server.as(Role.INTEGRATION, "/fhir/" + path).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return fhir.newJsonParser().parseResource(type, response.body());
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void nameGroupsAreSeparateHumanNamesAndTheStudyTimeHonoursItsOffset(Database database) throws Exception {
        Path dir = Files.createTempDirectory("fhir-names");
        PythonPhantoms.Study study = PythonPhantoms.study(dir, "yamada", "none", 71);
        Process modify = new ProcessBuilder("dcmodify", "-nb", "-i", "(0008,0005)=ISO_IR 192",
                "-m", "(0010,0010)=Yamada^Tarou=山田^太郎=やまだ^たろう", "-i", "(0008,0020)=20260315", "-i", "(0008,0030)=100000",
                "-i", "(0008,0201)=+0900", study.file().toString()).redirectErrorStream(true).start();
        String output = new String(modify.getInputStream().readAllBytes());
        assertTrue(modify.waitFor(60, TimeUnit.SECONDS) && modify.exitValue() == 0, output);

        server = TriageServer.start(database, dir.resolve("data"), Map.of());
        assertTrue(Dcmtk.store(server.dicomPort(), "CXRTRIAGE", "PACS", List.of(study.file())).allSucceeded(1));
        server.awaitCount(1, "SELECT COUNT(*) FROM worklist_item WHERE study_instance_uid = ?", study.studyInstanceUid());

        Task task = get("Task/" + study.studyInstanceUid(), Task.class);
        Patient patient = get("Patient/" + task.getFor().getReferenceElement().getIdPart(), Patient.class);
        List<HumanName> names = patient.getName();
        assertEquals(3, names.size(), fhir.newJsonParser().encodeResourceToString(patient));
        assertEquals(List.of("Yamada", "山田", "やまだ"), names.stream().map(HumanName::getFamily).toList());
        assertEquals(List.of("Tarou", "太郎", "たろう"), names.stream().map(HumanName::getGivenAsSingleString).toList());
        assertEquals(List.of("ABC", "IDE", "SYL"), names.stream()
                .map(n -> n.getExtensionByUrl(FhirResources.NAME_REPRESENTATION).getValue().primitiveValue()).toList());

        ImagingStudy imagingStudy = get("ImagingStudy/" + study.studyInstanceUid(), ImagingStudy.class);
        assertEquals(Instant.parse("2026-03-15T01:00:00Z"), imagingStudy.getStarted().toInstant(),
                "10:00 at +09:00 is 01:00 UTC, whatever the server's zone");
        assertEquals(List.of(), R4Validation.errors(List.of(patient, imagingStudy, task)));
    }
}
