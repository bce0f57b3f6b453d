package org.cxrtriage.compliance.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditRecord;
import org.cxrtriage.compliance.support.R4Validator;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityDetailComponent;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audit records as FHIR AuditEvents: every action the application records maps to its DICOM event
 * type and validates against R4 without errors, and the chain entity lets a reader check the hash.
 */
class AuditEventsTest {

    private static final String STUDY = "1.2.826.0.1.3680043.8.498.10";
    private static final String PREVIOUS = "ab".repeat(32);

    private final AuditEvents events = new AuditEvents();

    private static AuditRecord record(String actorType, String actor, String action, String study, List<String> resources,
                                      String outcome, String source, String details) {
        return AuditRecord.chain(42, new AuditEntry(Instant.parse("2026-11-23T10:15:30.123456Z"), actorType, actor, action,
                study, resources, outcome, source, details), PREVIOUS);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # action          | actor  | outcome | study | resources                                   | type   | subtype     | CRUDE
            dicom.association | AE     | SUCCESS |       |                                             | 110104 |             | E
            dicom.store       | AE     | SUCCESS | yes   |                                             | 110104 |             | C
            triage.scored     | SYSTEM | SUCCESS | yes   | Task/$;Device/cxr-reference 1.0.0 sha256:ab12 | 110110 |           | C
            triage.not-scored | SYSTEM | SUCCESS | yes   | Task/$                                      | 110110 |             | C
            triage.failed     | SYSTEM | FAILURE | yes   | Task/$                                      | 110110 |             | C
            login             | USER   | SUCCESS |       |                                             | 110114 | 110122      | E
            login.failed      | USER   | FAILURE |       |                                             | 110114 | 110122      | E
            logout            | USER   | SUCCESS |       |                                             | 110114 | 110123      | E
            study.view        | USER   | SUCCESS | yes   | ImagingStudy/$                              | 110110 |             | R
            task.update       | USER   | SUCCESS | yes   | Task/$                                      | 110110 | update      | U
            finding.feedback  | USER   | SUCCESS |       | Observation/f17                             | 110110 |             | U
            fhir.read         | USER   | SUCCESS | yes   | Task/$                                      | 110110 | read        | R
            fhir.search       | USER   | SUCCESS |       | Task/$;Task/1.2.3.4;Observation/f17          | 110110 | search-type | E
            model.reload      | USER   | SUCCESS |       | Device/cxr-reference 1.0.1 sha256:cd34       | 110100 |             | E
            config.change     | USER   | SUCCESS |       |                                             | 110100 |             | U
            user.add          | USER   | SUCCESS |       | User/dr.grey                                | 110113 | 110137      | C
            user.disable      | USER   | SUCCESS |       | User/dr.grey                                | 110113 | 110137      | U
            user.passwd       | USER   | FAILURE |       | User/dr.grey                                | 110113 | 110137      | U
            user.enable       | USER   | SUCCESS |       | User/dr.grey                                | 110113 | 110137      | U
            audit.read        | USER   | SUCCESS |       | AuditEvent/7;AuditEvent/8                   | 110101 |             | R
            audit.export      | USER   | SUCCESS |       |                                             | 110106 |             | R
            retention.purge   | SYSTEM | SUCCESS | yes   | ImagingStudy/$;Task/$                        | 110105 |             | D
            worklist.read     | USER   | SUCCESS |       | Task/$;Task/1.2.3.4                         | 110110 | search-type | E
            study.image       | USER   | SUCCESS | yes   | ImagingStudy/$                              | 110110 |             | R
            model.load        | SYSTEM | SUCCESS |       | Device/cxr-reference-67701237f92b           | 110100 |             | E
            system.start      | SYSTEM | SUCCESS |       |                                             | 110100 |             | E
            result.sent       | SYSTEM | SUCCESS | yes   | DiagnosticReport/r17                        | 110106 |             | R
            result.failed     | SYSTEM | FAILURE | yes   | DiagnosticReport/r17                        | 110106 |             | R
            result.retry      | USER   | SUCCESS |       |                                             | 110100 |             | U
            """)
    void everyRecordedActionIsAValidBalpAuditEvent(String action, String actorType, String outcome, String study,
                                                   String resources, String type, String subtype, String crude) {
        List<String> resourceList = resources == null ? List.of()
                : Arrays.stream(resources.split(";")).map(r -> r.replace("$", STUDY)).toList();
        String actor = switch (actorType) {
            case "AE" -> "PACS_MAIN";
            case "SYSTEM" -> "cxr-triage";
            default -> "dr.grey";
        };
        AuditEvent event = events.toFhir(record(actorType, actor, action, study == null ? null : STUDY, resourceList,
                outcome, actorType.equals("SYSTEM") ? null : "10.20.30.40", "details of " + action));

        assertEquals(List.of(), R4Validator.errors(event), action);
        assertTrue(EventType.known(action), action + " falls back to application activity");
        assertEquals(type, event.getType().getCode());
        assertEquals(Code.DCM, event.getType().getSystem());
        assertEquals(subtype == null ? List.of() : List.of(subtype), event.getSubtype().stream().map(Coding::getCode).toList());
        assertEquals(crude, event.getAction().toCode());
        assertEquals(outcome.equals("SUCCESS") ? "0" : "4", event.getOutcome().toCode());
        assertEquals(outcome.equals("SUCCESS") ? null : "details of " + action, event.getOutcomeDesc());
        // the study (when there is one), each resource, and the chain record
        assertEquals((study == null ? 0 : 1) + resourceList.size() + 1, event.getEntity().size());
    }

    @Test
    void anExportedResultNamesItsDestinationAsAnAgentNotAnEntity() {
        AuditEvent event = events.toFhir(record("SYSTEM", "cxr-triage", "result.sent", STUDY,
                List.of("DiagnosticReport/r17", AuditEvents.DESTINATION_PREFIX + "dicom PACS@10.0.0.5:104"), "SUCCESS", null,
                "dicom PACS@10.0.0.5:104, revision 1, attempt 1: stored SR"));

        assertEquals(List.of(), R4Validator.errors(event));
        assertEquals("110106", event.getType().getCode());
        assertEquals(2, event.getAgent().size(), "the system that sent it, and where it went");
        assertTrue(event.getAgent().get(0).getRequestor());
        AuditEvent.AuditEventAgentComponent destination = event.getAgent().get(1);
        assertFalse(destination.getRequestor());
        assertEquals("110152", destination.getType().getCodingFirstRep().getCode());
        assertEquals(AuditEvents.DESTINATION_SYSTEM, destination.getWho().getIdentifier().getSystem());
        assertEquals("dicom PACS@10.0.0.5:104", destination.getWho().getIdentifier().getValue());
        assertEquals(3, event.getEntity().size(), "the study, the report and the chain record; no destination entity");
        assertEquals("DiagnosticReport/r17", event.getEntity().get(1).getWhat().getReference());
    }

    @Test
    void anUnrecordedActionIsStillAValidAuditEvent() {
        AuditEvent event = events.toFhir(record("USER", "dr.grey", "worklist.export", null, List.of("Something odd"),
                "SUCCESS", "", ""));
        assertEquals(List.of(), R4Validator.errors(event));
        assertEquals("110100", event.getType().getCode());
        assertEquals("Something odd", event.getEntityFirstRep().getWhat().getDisplay());
    }

    @Test
    void agentsSourceAndEntitiesNameWhoDidWhatToWhich() {
        AuditEvent event = events.toFhir(record("USER", "dr.grey", "fhir.read", STUDY,
                List.of("Task/" + STUDY, "Device/cxr-reference 1.0.0 sha256:ab12"), "SUCCESS", "10.20.30.40", "GET Task"));

        AuditEvent.AuditEventAgentComponent user = event.getAgent().get(0);
        assertTrue(user.getRequestor());
        assertEquals(AuditEvents.USER_SYSTEM, user.getWho().getIdentifier().getSystem());
        assertEquals("dr.grey", user.getWho().getIdentifier().getValue());
        assertEquals("10.20.30.40", user.getNetwork().getAddress());
        assertEquals(AuditEventAgentNetworkType._2, user.getNetwork().getType());
        AuditEvent.AuditEventAgentComponent server = event.getAgent().get(1);
        assertFalse(server.getRequestor());
        assertEquals(AuditEvents.APPLICATION_SYSTEM, server.getWho().getIdentifier().getSystem());
        assertEquals("cxr-triage", event.getSource().getObserver().getDisplay());
        assertEquals("cxr-triage", event.getSource().getObserver().getIdentifier().getValue());

        AuditEventEntityComponent study = event.getEntity().get(0);
        assertEquals("urn:dicom:uid", study.getWhat().getIdentifier().getSystem());
        assertEquals("urn:oid:" + STUDY, study.getWhat().getIdentifier().getValue());
        assertEquals("Task/" + STUDY, event.getEntity().get(1).getWhat().getReference());
        assertEquals("Device/cxr-reference", event.getEntity().get(2).getWhat().getReference());
        assertEquals("Device/cxr-reference 1.0.0 sha256:ab12", event.getEntity().get(2).getWhat().getDisplay());
        assertEquals("42", event.getIdElement().getIdPart());
    }

    @Test
    void aDicomPeerIsNamedByAeTitleAndAHostNameIsNotAnIpAddress() {
        AuditEvent event = events.toFhir(record("AE", "PACS_MAIN", "dicom.store", STUDY, List.of(), "SUCCESS",
                "pacs.hospital.example", null));
        assertEquals(AuditEvents.AE_TITLE_SYSTEM, event.getAgentFirstRep().getWho().getIdentifier().getSystem());
        assertEquals(AuditEventAgentNetworkType._1, event.getAgentFirstRep().getNetwork().getType());
        assertEquals(List.of(), R4Validator.errors(event));
    }

    @Test
    void aSystemActionHasTheApplicationAsItsOnlyAgent() {
        AuditEvent event = events.toFhir(record("SYSTEM", "cxr-triage", "triage.scored", STUDY, List.of(), "SUCCESS",
                null, null));
        assertEquals(1, event.getAgent().size());
        assertTrue(event.getAgentFirstRep().getRequestor());
        assertTrue(event.getAgentFirstRep().getNetwork().isEmpty());
    }

    @Test
    void theChainEntityLetsAReaderCheckTheHash() throws Exception {
        AuditRecord record = record("USER", "dr.grey", "study.view", STUDY, List.of("ImagingStudy/" + STUDY), "SUCCESS",
                "10.20.30.40", "web worklist, ünïcode");
        AuditEventEntityComponent chain = events.toFhir(record).getEntity().stream()
                .filter(e -> AuditEvents.RECORD_SYSTEM.equals(e.getWhat().getIdentifier().getSystem()))
                .findFirst().orElseThrow();
        Map<String, AuditEventEntityDetailComponent> details = chain.getDetail().stream()
                .collect(Collectors.toMap(AuditEventEntityDetailComponent::getType, d -> d));

        assertEquals("42", details.get("sequence").getValue().primitiveValue());
        assertEquals("study.view", details.get("action").getValue().primitiveValue());
        byte[] canonical = ((Base64BinaryType) details.get("canonical-form").getValue()).getValue();
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(details.get("previous-hash").getValue().primitiveValue().getBytes(StandardCharsets.US_ASCII));
        String recomputed = HexFormat.of().formatHex(sha256.digest(canonical));
        assertEquals(record.hash(), recomputed);
        assertEquals(record.hash(), details.get("hash").getValue().primitiveValue());
    }

    @Test
    void recordedKeepsTheMicrosecondsTheHashCovers() {
        String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(
                events.toFhir(record("USER", "dr.grey", "logout", null, List.of(), "SUCCESS", null, null)));
        assertTrue(json.contains("\"recorded\":\"2026-11-23T10:15:30.123456Z\""), json);
        assertNull(events.toFhir(record("USER", "dr.grey", "logout", null, List.of(), "SUCCESS", null, null))
                .getOutcomeDesc());
    }
}
