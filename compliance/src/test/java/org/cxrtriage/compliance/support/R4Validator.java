package org.cxrtriage.compliance.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.util.List;

/** HL7's instance validator against the R4 base specification, built once per JVM (it is slow to load). */
public final class R4Validator {

    private static FhirValidator validator;

    private R4Validator() {
    }

    /** Errors and fatal messages, each with its location; empty when the resource is valid. */
    public static List<String> errors(IBaseResource resource) {
        return errors(validator().validateWithResult(resource));
    }

    /** Same, for a resource as JSON text. */
    public static List<String> errors(String json) {
        return errors(validator().validateWithResult(json));
    }

    private static List<String> errors(ValidationResult result) {
        return result.getMessages().stream()
                .filter(message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .map(message -> message.getLocationString() + ": " + message.getMessage())
                .toList();
    }

    private static synchronized FhirValidator validator() {
        if (validator == null) {
            FhirContext context = FhirContext.forR4Cached();
            ValidationSupportChain support = new ValidationSupportChain(new DefaultProfileValidationSupport(context),
                    new SnapshotGeneratingValidationSupport(context), new InMemoryTerminologyServerValidationSupport(context),
                    new CommonCodeSystemsTerminologyService(context));
            validator = context.newValidator();
            validator.registerValidatorModule(new FhirInstanceValidator(support));
        }
        return validator;
    }
}
