package org.spgateway.benchmarks.jmh;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/** What several benchmarks share: the FHIR context and HAPI's validator set up as a plain FHIR server would. */
final class FhirFixtures {

    static final FhirContext FHIR = FhirContext.forR4Cached();

    private FhirFixtures() {
    }

    /**
     * HAPI's FhirInstanceValidator against FHIR R4 base only: the validation support chain a HAPI server with request
     * validation uses, with unknown code systems (SNOMED CT) as warnings, as the gateway treats them.
     */
    static FhirValidator baseR4Validator() {
        UnknownCodeSystemWarningValidationSupport unknown = new UnknownCodeSystemWarningValidationSupport(FHIR);
        unknown.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(FHIR),
                new CommonCodeSystemsTerminologyService(FHIR), new InMemoryTerminologyServerValidationSupport(FHIR),
                new SnapshotGeneratingValidationSupport(FHIR), unknown);
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        module.setAnyExtensionsAllowed(true);
        module.setErrorForUnknownProfiles(false);
        return FHIR.newValidator().registerValidatorModule(module);
    }
}
