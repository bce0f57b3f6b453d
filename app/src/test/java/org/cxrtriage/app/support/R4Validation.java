package org.cxrtriage.app.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.util.ArrayList;
import java.util.List;

/** HAPI's instance validator against the FHIR R4 base specification, offline. */
public final class R4Validation {

    private static FhirValidator validator;

    private R4Validation() {
    }

    /** Every error or fatal message for the resources, as "Type location: message". */
    public static synchronized List<String> errors(List<? extends IBaseResource> resources) {
        if (validator == null) {
            FhirContext context = FhirContext.forR4Cached();
            validator = context.newValidator();
            validator.registerValidatorModule(new FhirInstanceValidator(new ValidationSupportChain(
                    new DefaultProfileValidationSupport(context), new SnapshotGeneratingValidationSupport(context),
                    new InMemoryTerminologyServerValidationSupport(context), new CommonCodeSystemsTerminologyService(context))));
        }
        List<String> errors = new ArrayList<>();
        for (IBaseResource resource : resources) {
            for (SingleValidationMessage message : validator.validateWithResult(resource).getMessages()) {
                if (message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()) {
                    errors.add(resource.fhirType() + " " + message.getLocationString() + ": " + message.getMessage());
                }
            }
        }
        return errors;
    }
}
