package org.cxrtriage.compliance.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.cxrtriage.compliance.chain.AuditEntry;
import org.cxrtriage.compliance.chain.AuditRecord;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Audit records as FHIR R4 AuditEvents shaped after IHE Basic Audit Log Patterns: the event type
 * from DICOM (see {@link EventType}), the actor as the requesting agent and cxr-triage as the
 * other, the study and every resource concerned as entities, and one entity carrying the record's
 * place in the hash chain, so that a set of exported events can be verified on its own:
 * {@code hash = SHA-256(previous-hash ‖ UTF-8 canonical-form)}, each previous-hash being the
 * hash of the event before.
 */
public final class AuditEvents {

    /** Identifier systems for the three kinds of actor, and for the chain record. */
    public static final String USER_SYSTEM = "urn:cxr-triage:user";
    public static final String AE_TITLE_SYSTEM = "urn:cxr-triage:dicom-ae-title";
    public static final String APPLICATION_SYSTEM = "urn:cxr-triage:application";
    public static final String RECORD_SYSTEM = "urn:cxr-triage:audit-record";
    public static final String DICOM_UID_SYSTEM = "urn:dicom:uid";
    public static final String DESTINATION_SYSTEM = "urn:cxr-triage:delivery-destination";
    /** A resource {@code destination:<kind> <address>} names where an export went (see {@link #addDestination}). */
    public static final String DESTINATION_PREFIX = "destination:";

    private static final String NAME = "cxr-triage";
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%\\w+)?");

    private final String observer;
    private final Set<String> resourceTypes = FhirContext.forR4Cached().getResourceTypes();

    /** Events observed by "cxr-triage". */
    public AuditEvents() {
        this(NAME);
    }

    /** @param observer this installation's identifier, e.g. the host name when several nodes share one log */
    public AuditEvents(String observer) {
        this.observer = observer;
    }

    public AuditEvent toFhir(AuditRecord record) {
        AuditEntry entry = record.entry();
        EventType type = EventType.forAction(entry.action());
        AuditEvent event = new AuditEvent();
        event.setId(Long.toString(record.sequence()));
        event.setType(type.type().coding());
        type.subtype().ifPresent(subtype -> event.addSubtype(subtype.coding()));
        event.setAction(type.action());
        event.getRecordedElement().setValueAsString(entry.time().toString());
        if ("SUCCESS".equals(entry.outcome())) {
            event.setOutcome(AuditEventOutcome._0);
        } else {
            event.setOutcome(AuditEventOutcome._4);
            event.setOutcomeDesc(present(entry.details()) ? entry.details() : "outcome " + entry.outcome());
        }
        addActor(event, entry);
        if (!"SYSTEM".equals(entry.actorType())) {
            AuditEventAgentComponent application = event.addAgent().setRequestor(false)
                    .setType(Code.DESTINATION_ROLE.concept());
            application.setWho(application());
        }
        event.getSource().setObserver(application()).addType(Code.APPLICATION_SERVER.coding());
        if (present(entry.studyUid())) {
            addStudy(event, entry.studyUid());
        }
        for (String resource : entry.resources()) {
            if (!present(resource)) {
                continue;
            }
            if (resource.startsWith(DESTINATION_PREFIX) && resource.length() > DESTINATION_PREFIX.length()) {
                addDestination(event, resource.substring(DESTINATION_PREFIX.length()));
            } else {
                addResource(event, resource);
            }
        }
        addChainRecord(event, record);
        return event;
    }

    private void addActor(AuditEvent event, AuditEntry entry) {
        AuditEventAgentComponent actor = event.addAgent().setRequestor(true);
        String system = switch (entry.actorType()) {
            case "USER" -> {
                actor.setType(Code.HUMAN_USER.concept());
                yield USER_SYSTEM;
            }
            case "AE" -> {
                actor.setType(Code.SOURCE_ROLE.concept());
                yield AE_TITLE_SYSTEM;
            }
            default -> {
                actor.setType(Code.APPLICATION.concept());
                yield APPLICATION_SYSTEM;
            }
        };
        String name = present(entry.actor()) ? entry.actor() : "unknown";
        actor.setWho(new Reference().setIdentifier(new Identifier().setSystem(system).setValue(name)).setDisplay(name));
        if (present(entry.source())) {
            actor.getNetwork().setAddress(entry.source()).setType(IP_ADDRESS.matcher(entry.source()).matches()
                    ? AuditEventAgentNetworkType._2 : AuditEventAgentNetworkType._1);
        }
    }

    /**
     * An export's receiving system (a PACS, a RIS, a webhook, a mailbox), recorded as the resource
     * {@code destination:<kind> <address>}: an agent in the Destination role (DICOM Export, PS3.15
     * A.5.3.5), named by its address as configured (never a secret).
     */
    private static void addDestination(AuditEvent event, String destination) {
        event.addAgent().setRequestor(false).setType(Code.DESTINATION_ROLE.concept())
                .setWho(new Reference().setIdentifier(new Identifier().setSystem(DESTINATION_SYSTEM).setValue(destination))
                        .setDisplay(destination));
    }

    private Reference application() {
        return new Reference().setIdentifier(new Identifier().setSystem(APPLICATION_SYSTEM).setValue(observer))
                .setDisplay(NAME);
    }

    private static void addStudy(AuditEvent event, String studyUid) {
        Identifier uid = new Identifier().setSystem(DICOM_UID_SYSTEM).setValue("urn:oid:" + studyUid);
        event.addEntity().setWhat(new Reference().setIdentifier(uid))
                .setType(Code.SYSTEM_OBJECT.coding()).setRole(Code.REPORT.coding());
    }

    /**
     * "Type/id" becomes a reference when Type is an R4 resource type and id a valid FHIR id; text
     * after the id (a model version, a file hash) is kept as the reference's display. "User/name"
     * names a user account. Anything else is kept as text.
     */
    private void addResource(AuditEvent event, String resource) {
        AuditEventEntityComponent entity = event.addEntity();
        int slash = resource.indexOf('/');
        String type = slash < 0 ? "" : resource.substring(0, slash);
        String id = slash < 0 ? "" : resource.substring(slash + 1).split("\\s+", 2)[0];
        if (type.equals("User")) {
            entity.setWhat(new Reference().setIdentifier(new Identifier().setSystem(USER_SYSTEM).setValue(id)))
                    .setType(Code.PERSON.coding()).setRole(Code.SECURITY_USER_ENTITY.coding());
        } else if (resourceTypes.contains(type) && FHIR_ID.matcher(id).matches()) {
            Reference what = new Reference(type + "/" + id);
            if (!resource.equals(type + "/" + id)) {
                what.setDisplay(resource);
            }
            entity.setWhat(what).setType(Code.resourceType(type).coding())
                    .setRole(type.equals("AuditEvent") ? Code.SECURITY_RESOURCE.coding() : Code.DOMAIN_RESOURCE.coding());
        } else {
            entity.setWhat(new Reference().setDisplay(resource)).setType(Code.OTHER.coding());
        }
    }

    private static void addChainRecord(AuditEvent event, AuditRecord record) {
        AuditEventEntityComponent chain = event.addEntity()
                .setWhat(new Reference().setIdentifier(new Identifier().setSystem(RECORD_SYSTEM)
                        .setValue(Long.toString(record.sequence()))))
                .setType(Code.SYSTEM_OBJECT.coding()).setRole(Code.SECURITY_RESOURCE.coding())
                .setDescription("cxr-triage audit chain record");
        chain.addDetail().setType("sequence").setValue(new StringType(Long.toString(record.sequence())));
        chain.addDetail().setType("previous-hash").setValue(new StringType(record.previousHash()));
        chain.addDetail().setType("hash").setValue(new StringType(record.hash()));
        chain.addDetail().setType("action").setValue(new StringType(record.entry().action()));
        if (present(record.entry().details())) {
            chain.addDetail().setType("details").setValue(new StringType(record.entry().details()));
        }
        chain.addDetail().setType("canonical-form")
                .setValue(new Base64BinaryType(record.canonicalForm().getBytes(StandardCharsets.UTF_8)));
    }

    /** FHIR has no empty strings: a blank value is left out. */
    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
