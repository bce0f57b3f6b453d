package org.cxrtriage.app.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.server.IResourceProvider;
import jakarta.inject.Singleton;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.UriType;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The definitions of our own extensions, so a client (or a validator) can look up what
 * {@code triage-score} on a Task means: {@code GET /fhir/StructureDefinition/triage-score}.
 */
@Singleton
public final class StructureDefinitionProvider implements IResourceProvider {

    static final String TRIAGE_SCORE_ID = "triage-score";
    private static final OffsetDateTime PUBLISHED = OffsetDateTime.parse("2026-12-01T00:00:00Z");

    @Override
    public Class<StructureDefinition> getResourceType() {
        return StructureDefinition.class;
    }

    @Read
    public StructureDefinition read(@IdParam IdType id) {
        if (!TRIAGE_SCORE_ID.equals(id.getIdPart())) {
            throw FhirErrors.notFound("StructureDefinition", id);
        }
        return triageScore();
    }

    @Search
    public List<StructureDefinition> all() {
        return List.of(triageScore());
    }

    static StructureDefinition triageScore() {
        StructureDefinition definition = new StructureDefinition();
        definition.setId(TRIAGE_SCORE_ID);
        definition.setUrl(FhirResources.TRIAGE_SCORE_URL);
        definition.setVersion(FhirConventions.VERSION);
        definition.setName("TriageScore");
        definition.setTitle("AI triage score");
        definition.setStatus(Enumerations.PublicationStatus.ACTIVE);
        definition.setPublisher(FhirConventions.PRODUCT);
        definition.setDescription("The worklist triage score of a chest radiograph study: the highest severity-weighted,"
                + " calibrated probability of the critical findings the AI model looks for, from 0 (nothing critical) to 1."
                + " Present only on Tasks whose businessStatus is 'scored': an unscored, unreliable or suspended study has"
                + " no score. It orders the worklist; it is not a diagnosis.");
        definition.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        definition.setKind(StructureDefinition.StructureDefinitionKind.COMPLEXTYPE);
        definition.setAbstract(false);
        definition.addContext().setType(StructureDefinition.ExtensionContextType.ELEMENT).setExpression("Task");
        definition.setType("Extension");
        definition.setBaseDefinition("http://hl7.org/fhir/StructureDefinition/Extension");
        definition.setDerivation(StructureDefinition.TypeDerivationRule.CONSTRAINT);
        List<ElementDefinition> elements = definition.getDifferential().getElement();
        elements.add(new ElementDefinition().setPath("Extension").setShort("AI triage score (0 to 1)")
                .setDefinition(definition.getDescription()).setMin(0).setMax("1"));
        elements.get(0).setId("Extension");
        ElementDefinition nested = new ElementDefinition().setPath("Extension.extension").setMax("0");
        nested.setId("Extension.extension");
        elements.add(nested);
        ElementDefinition url = new ElementDefinition().setPath("Extension.url").setFixed(new UriType(FhirResources.TRIAGE_SCORE_URL));
        url.setId("Extension.url");
        elements.add(url);
        ElementDefinition value = new ElementDefinition().setPath("Extension.value[x]").setMin(1);
        value.setId("Extension.value[x]");
        value.addType().setCode("decimal");
        value.setMinValue(new org.hl7.fhir.r4.model.DecimalType(0)).setMaxValue(new org.hl7.fhir.r4.model.DecimalType(1));
        elements.add(value);
        return FhirResources.stamp(definition, "1", PUBLISHED);
    }
}
