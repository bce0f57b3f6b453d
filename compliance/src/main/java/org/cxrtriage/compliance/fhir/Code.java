package org.cxrtriage.compliance.fhir;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/** A code from a code system, with the display the code system gives it (validators compare displays). */
record Code(String system, String code, String display) {

    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";
    static final String RESOURCE_TYPES = "http://hl7.org/fhir/resource-types";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type";
    static final String SECURITY_ROLE = "http://terminology.hl7.org/CodeSystem/extra-security-role-type";

    static Code dcm(String code, String display) {
        return new Code(DCM, code, display);
    }

    static Code restful(String interaction) {
        return new Code(RESTFUL_INTERACTION, interaction, interaction);
    }

    static Code resourceType(String type) {
        return new Code(RESOURCE_TYPES, type, type);
    }

    static final Code APPLICATION = dcm("110150", "Application");
    static final Code DESTINATION_ROLE = dcm("110152", "Destination Role ID");
    static final Code SOURCE_ROLE = dcm("110153", "Source Role ID");
    static final Code HUMAN_USER = new Code(SECURITY_ROLE, "humanuser", "human user");
    static final Code PERSON = new Code(ENTITY_TYPE, "1", "Person");
    static final Code SYSTEM_OBJECT = new Code(ENTITY_TYPE, "2", "System Object");
    static final Code OTHER = new Code(ENTITY_TYPE, "4", "Other");
    static final Code REPORT = new Code(OBJECT_ROLE, "3", "Report");
    static final Code DOMAIN_RESOURCE = new Code(OBJECT_ROLE, "4", "Domain Resource");
    static final Code SECURITY_USER_ENTITY = new Code(OBJECT_ROLE, "11", "Security User Entity");
    static final Code SECURITY_RESOURCE = new Code(OBJECT_ROLE, "13", "Security Resource");
    static final Code APPLICATION_SERVER = new Code(SOURCE_TYPE, "4", "Application Server");

    Coding coding() {
        return new Coding(system, code, display);
    }

    CodeableConcept concept() {
        return new CodeableConcept(coding());
    }
}
