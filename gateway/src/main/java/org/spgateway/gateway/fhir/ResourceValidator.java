package org.spgateway.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Validates incoming resources against FHIR R4 base (HAPI's instance validator) and the gateway's own rules
 * (NHS number check digit, a referral's subject is a Patient). The validator is built and warmed once at
 * start-up: its first use loads the R4 definitions, which takes seconds.
 */
@Component
public class ResourceValidator {

    private static final Logger log = LoggerFactory.getLogger(ResourceValidator.class);

    private final FhirValidator validator;

    public ResourceValidator(FhirContext fhirContext) {
        UnknownCodeSystemWarningValidationSupport unknownCodeSystems =
                new UnknownCodeSystemWarningValidationSupport(fhirContext);
        // SNOMED CT and dm+d cannot be checked without a terminology server: an unknown code system is a warning,
        // never a reason to refuse a referral.
        unknownCodeSystems.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(fhirContext),
                new CommonCodeSystemsTerminologyService(fhirContext),
                new InMemoryTerminologyServerValidationSupport(fhirContext),
                new SnapshotGeneratingValidationSupport(fhirContext),
                unknownCodeSystems);
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        module.setAnyExtensionsAllowed(true);
        // GP systems label resources with UK Core profiles the gateway does not load yet: validate them against
        // R4 base and report the unknown profile as a warning, never refuse the referral for it.
        module.setErrorForUnknownProfiles(false);
        this.validator = fhirContext.newValidator().registerValidatorModule(module);
        long start = System.nanoTime();
        warmUp();
        log.info("FHIR validator ready in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** Problems in the raw body (JSON or XML) at error level or worse; empty when valid. */
    public List<OperationOutcomes.Issue> validate(String body) {
        ValidationResult result;
        try {
            result = validator.validateWithResult(body);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal; // out of memory or stack: not the input's fault to report
            }
            // The validator fails on some invalid input instead of reporting it: its parser on "given": [null], its
            // rules with java.lang.Error on an XML element repeated where only one is allowed (Bundle.entry.request.url).
            // Only the exception's class is logged: its message can quote the body.
            log.warn("The FHIR validator failed on a request body ({}); answered as invalid", e.getClass().getName());
            return List.of(OperationOutcomes.Issue.error(IssueType.STRUCTURE, "The resource could not be validated: it is"
                    + " not valid FHIR R4 (look for null values, or elements of the wrong type)", null));
        }
        List<OperationOutcomes.Issue> issues = new ArrayList<>();
        for (SingleValidationMessage m : result.getMessages()) {
            if (m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL) {
                issues.add(OperationOutcomes.Issue.error(IssueType.INVALID, m.getMessage(), m.getLocationString()));
            }
        }
        return issues;
    }

    /** The gateway's own rules, which base R4 does not express. */
    public List<OperationOutcomes.Issue> checkRules(Resource resource) {
        List<OperationOutcomes.Issue> issues = new ArrayList<>();
        ElementWalker.walk(resource, resource.fhirType(), (path, element) -> {
            if (element instanceof Identifier id && NhsNumber.SYSTEM.equals(id.getSystem()) && id.hasValue()
                    && !NhsNumber.isValid(id.getValue())) {
                issues.add(OperationOutcomes.Issue.error(IssueType.INVALID,
                        "NHS number must be 10 digits with a valid modulus-11 check digit", path + ".value"));
            }
            if (element instanceof Identifier id) {
                tooLongToStore(issues, id.getSystem(), path + ".system");
                tooLongToStore(issues, id.getValue(), path + ".value");
            }
            if (element instanceof org.hl7.fhir.r4.model.Reference reference) {
                tooLongToStore(issues, reference.getReference(), path + ".reference");
            }
            if (element instanceof ServiceRequest sr && sr.hasSubject() && sr.getSubject().hasReference()
                    && !isPatientReference(sr.getSubject().getReference())) {
                issues.add(OperationOutcomes.Issue.error(IssueType.INVALID,
                        "A social prescribing referral's subject must be a Patient", path + ".subject"));
            }
        });
        return issues;
    }

    /** Longest identifier system or value, or reference, the store keeps for searching (fhir_search_index). */
    static final int MAX_SEARCHABLE_LENGTH = 255;

    private static void tooLongToStore(List<OperationOutcomes.Issue> issues, String value, String path) {
        if (value != null && value.length() > MAX_SEARCHABLE_LENGTH) {
            issues.add(OperationOutcomes.Issue.error(IssueType.TOOLONG, "Longer than " + MAX_SEARCHABLE_LENGTH
                    + " characters, the most the gateway keeps for searching", path));
        }
    }

    private static boolean isPatientReference(String reference) {
        return reference.startsWith("Patient/") || reference.contains("/Patient/") || reference.startsWith("urn:uuid:")
                || reference.startsWith("#");
    }

    private void warmUp() {
        Patient patient = new Patient();
        patient.addName().setFamily("Warm").addGiven("Up");
        validator.validateWithResult(patient);
        ServiceRequest sr = new ServiceRequest();
        sr.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE).setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
                .getSubject().setReference("Patient/warm-up");
        validator.validateWithResult(sr);
    }
}
