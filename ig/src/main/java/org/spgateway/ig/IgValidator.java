package org.spgateway.ig;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirDefaultPolicyAdvisor;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.elementmodel.Element;
import org.hl7.fhir.r5.model.ElementDefinition;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.IMessagingServices;
import org.hl7.fhir.r5.utils.validation.IResourceValidator;
import org.hl7.fhir.utilities.settings.FhirSettings;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.spgateway.mappings.Profiles;

/**
 * The HL7 FHIR validator (HAPI's {@link FhirInstanceValidator}) set up the one way the project uses it: FHIR R4 core,
 * the gateway's package ({@link FhirPackage}, snapshots generated at build time), HAPI's in-memory terminology, and
 * these policies:
 * <ul>
 * <li>Every ServiceRequest is validated against {@link Profiles#REFERRAL} and every Consent against
 *     {@link Profiles#CONSENT}, at the root or inside a Bundle, whether or not {@code meta.profile} claims them (the
 *     gateway treats every ServiceRequest it receives as a referral). Other profiles apply when claimed.</li>
 * <li>Profiles the gateway does not have (UK Core, SDOH Clinical Care: their packages are not reachable here) are
 *     warnings, and the resource is still validated against R4 core and the profiles above.</li>
 * <li>Code systems that cannot be checked without a terminology server (SNOMED CT, dm+d) are warnings.</li>
 * <li>Extensions the gateway does not know are allowed; its own (staff-safety) are checked.</li>
 * </ul>
 * Plain Java, built with {@code new} and thread-safe once built, so the gateway (ResourceValidator), the tests and a
 * benchmark all call the same validator. Building it takes seconds (the R4 definitions load on first use), so
 * {@link #warmUp()} is called by the constructor.
 */
public final class IgValidator {

    /** The profiles applied to resources of a type whether or not they claim them. */
    public static final Map<String, String> APPLIED_PROFILES =
            Map.of("ServiceRequest", Profiles.REFERRAL, "Consent", Profiles.CONSENT);

    private final FhirValidator validator;
    private final FhirPackage fhirPackage;

    public IgValidator(FhirContext fhirContext) {
        this(fhirContext, FhirPackage.load(fhirContext));
    }

    public IgValidator(FhirContext fhirContext, FhirPackage fhirPackage) {
        // Everything the validator needs is on the classpath; it must never try the FHIR package registry (not
        // reachable here, and a request must not wait on it).
        FhirSettings.setProhibitNetworkAccess(true);
        this.fhirPackage = fhirPackage;
        UnknownCodeSystemWarningValidationSupport unknownCodeSystems =
                new UnknownCodeSystemWarningValidationSupport(fhirContext);
        // SNOMED CT and dm+d cannot be checked without a terminology server: an unknown code system is a warning,
        // never a reason to refuse a referral.
        unknownCodeSystems.setNonExistentCodeSystemSeverity(IValidationSupport.IssueSeverity.WARNING);
        PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhirContext);
        fhirPackage.resources().forEach(ours::addResource);
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(fhirContext),
                ours,
                new CommonCodeSystemsTerminologyService(fhirContext),
                new InMemoryTerminologyServerValidationSupport(fhirContext),
                new SnapshotGeneratingValidationSupport(fhirContext),
                unknownCodeSystems);
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        module.setAnyExtensionsAllowed(true);
        module.setErrorForUnknownProfiles(false);
        module.setValidatorPolicyAdvisor(new AppliedProfiles());
        this.validator = fhirContext.newValidator().registerValidatorModule(module);
        warmUp();
    }

    /** Validates a raw body (JSON or XML), as received: unknown elements and invalid values are reported, not lost. */
    public ValidationResult validate(String body) {
        return validator.validateWithResult(body);
    }

    public ValidationResult validate(IBaseResource resource) {
        return validator.validateWithResult(resource);
    }

    /**
     * Warnings the project accepts in what it emits and publishes, each with its reason (docs/conformance.md lists
     * them): a test that validates an emitted resource fails on any warning not matched here.
     */
    public static final Map<String, String> ACCEPTED_WARNINGS = Map.of(
            "dom-6", "No narrative: the gateway exchanges structured data and GP systems render it; a generated"
                    + " narrative would copy patient data into a second, unstructured field.",
            "http://snomed.info/sct", "SNOMED CT cannot be checked without a terminology server (none is reachable from"
                    + " the gateway); codes are passed on as sent.",
            "https://spgateway.org/fhir/CodeSystem/audit-event-type", "AuditEvent.subtype carries the audit log's own"
                    + " event types (disclosure, referral.routed...); no code of R4's extensible audit-event-sub-type"
                    + " fits them, and the list grows with features, so it is not published as a CodeSystem yet.",
            "https://spgateway.org/fhir/CodeSystem/endpoint-type#", "Endpoint.connectionType: R4's extensible"
                    + " endpoint-connection-type has no code for a signed JSON webhook or a pull inbox; the IG's"
                    + " endpoint-type code system names them.",
            "which is experimental, but this structure is not labeled as experimental", "Inherited from R4 core in the"
                    + " profiles' snapshots: core binds every resource's language to the experimental languages value set.");

    /** The warnings in the result that {@link #ACCEPTED_WARNINGS} does not explain. */
    public static List<SingleValidationMessage> unexplainedWarnings(ValidationResult result) {
        return result.getMessages().stream().filter(m -> m.getSeverity() == ResultSeverityEnum.WARNING)
                .filter(m -> ACCEPTED_WARNINGS.keySet().stream().noneMatch(k -> m.getMessage().contains(k)))
                .toList();
    }

    /** The errors (and fatal errors) in the result. */
    public static List<SingleValidationMessage> errors(ValidationResult result) {
        return result.getMessages().stream().filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR
                || m.getSeverity() == ResultSeverityEnum.FATAL).toList();
    }

    public FhirPackage fhirPackage() {
        return fhirPackage;
    }

    /**
     * Loads the definitions and compiles the profiles' rules once, so the first request does not pay for it: one
     * transaction Bundle with a Patient, the example referral and the example consent (both profiles applied).
     */
    private void warmUp() {
        org.hl7.fhir.r4.model.Bundle bundle = new org.hl7.fhir.r4.model.Bundle()
                .setType(org.hl7.fhir.r4.model.Bundle.BundleType.TRANSACTION);
        org.hl7.fhir.r4.model.Patient patient = new org.hl7.fhir.r4.model.Patient();
        patient.addName().setFamily("Warm").addGiven("Up");
        bundle.addEntry().setFullUrl("urn:uuid:6f1e3a52-1b8e-4a8e-9d3c-2a1b5c7d9e0f").setResource(patient).getRequest()
                .setMethod(org.hl7.fhir.r4.model.Bundle.HTTPVerb.POST).setUrl("Patient");
        for (var example : fhirPackage.examples()) {
            if (APPLIED_PROFILES.containsKey(example.fhirType())) {
                bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(example.copy())
                        .getRequest().setMethod(org.hl7.fhir.r4.model.Bundle.HTTPVerb.POST).setUrl(example.fhirType());
            }
        }
        validator.validateWithResult(bundle);
    }

    /**
     * HAPI's default policies, plus the profiles the gateway applies by resource type (see the class comment). The
     * validator asks for each resource it meets, including each Bundle entry's.
     */
    private static final class AppliedProfiles extends FhirDefaultPolicyAdvisor {

        @Override
        public List<StructureDefinition> getImpliedProfilesForResource(IResourceValidator validator, Object appContext,
                String stackPath, ElementDefinition definition, StructureDefinition structure, Element resource,
                boolean valid, IMessagingServices msgServices, List<ValidationMessage> messages) {
            List<StructureDefinition> implied = new ArrayList<>(super.getImpliedProfilesForResource(validator, appContext,
                    stackPath, definition, structure, resource, valid, msgServices, messages));
            String url = APPLIED_PROFILES.get(resource.fhirType());
            if (url != null && !claims(resource, url)) {
                StructureDefinition profile = validator.getContext().fetchResource(StructureDefinition.class, url);
                if (profile == null) {
                    throw new IllegalStateException("Profile " + url + " is not loaded: the FHIR package is incomplete");
                }
                implied.add(profile);
            }
            return implied;
        }

        private static boolean claims(Element resource, String url) {
            Element meta = resource.getNamedChild("meta");
            if (meta == null) {
                return false;
            }
            for (Element profile : meta.getChildren("profile")) {
                String claimed = profile.primitiveValue();
                if (claimed != null && (claimed.equals(url) || claimed.startsWith(url + "|"))) {
                    return true;
                }
            }
            return false;
        }
    }
}
