package org.spgateway.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spgateway.ig.FhirPackage;
import org.spgateway.ig.IgValidator;
import org.spgateway.gateway.config.ValidationProperties;
import org.spgateway.gateway.fhir.fastpath.FastPathValidator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Validates incoming resources against FHIR R4 base and the gateway's profiles (the {@code ig} module's
 * {@link IgValidator}: the HL7 validator with the gateway's FHIR package loaded, the referral and consent profiles
 * applied to every ServiceRequest and Consent) and the gateway's own rules (NHS number check digit, identifier
 * lengths). The one place the gateway's validation is set up: a benchmark or test
 * builds it with {@code new ResourceValidator(FhirContext.forR4Cached())}. Built and warmed once at start-up: its
 * first use loads the R4 definitions, which takes seconds.
 */
@Component
public class ResourceValidator {

    private static final Logger log = LoggerFactory.getLogger(ResourceValidator.class);

    private final IgValidator validator;
    private final FastPathValidator fastPath;
    private final java.util.concurrent.Semaphore fullRuns;
    private final java.util.concurrent.atomic.AtomicLong fastAccepted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong fullValidated = new java.util.concurrent.atomic.AtomicLong();

    /** Loads the gateway's FHIR package from the classpath; the fast path on. */
    public ResourceValidator(FhirContext fhirContext) {
        this(fhirContext, FhirPackage.load(fhirContext), ValidationProperties.defaults());
    }

    @Autowired
    public ResourceValidator(FhirContext fhirContext, FhirPackage fhirPackage, ValidationProperties properties) {
        long start = System.nanoTime();
        this.validator = new IgValidator(fhirContext, fhirPackage);
        this.fastPath = properties.fastPath() ? fastPath(fhirContext, fhirPackage) : null;
        int permits = properties.maxConcurrentFull() > 0 ? properties.maxConcurrentFull()
                : Runtime.getRuntime().availableProcessors();
        this.fullRuns = new java.util.concurrent.Semaphore(permits, true);
        if (fastPath != null) {
            warmFastPath(fhirContext);
        }
        log.info("FHIR validator ready in {} ms (R4 core and {} {}; fast path {})", (System.nanoTime() - start) / 1_000_000,
                FhirPackage.NAME, fhirPackage.version(), fastPath != null ? "on" : "off");
    }

    /**
     * The fast path over the same definitions and terminology as {@link IgValidator} (R4 core, the package, HAPI's
     * in-memory terminology, SNOMED CT and other unknown code systems as warnings) and the same applied profiles.
     */
    private static FastPathValidator fastPath(FhirContext fhirContext, FhirPackage fhirPackage) {
        org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport ours =
                new org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport(fhirContext);
        fhirPackage.resources().forEach(ours::addResource);
        org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain known =
                new org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain(
                        new ca.uhn.fhir.context.support.DefaultProfileValidationSupport(fhirContext), ours,
                        new org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService(fhirContext),
                        new org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport(fhirContext),
                        new org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport(fhirContext));
        org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport unknown =
                new org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport(fhirContext);
        unknown.setNonExistentCodeSystemSeverity(ca.uhn.fhir.context.support.IValidationSupport.IssueSeverity.WARNING);
        org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain full =
                new org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain(known, unknown);
        return new FastPathValidator(fhirContext, full, known, IgValidator.APPLIED_PROFILES);
    }

    /** The documented example referral through the fast path once, so its terminology and FHIRPath are ready. */
    private void warmFastPath(FhirContext fhirContext) {
        try (var in = ResourceValidator.class.getResourceAsStream("/demo/referral-bundle.json")) {
            if (in != null) {
                String body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                FastPathValidator.Verdict verdict = fastPath.check(body);
                if (!verdict.accepted()) {
                    log.warn("The fast validation path defers the documented example referral ({}): every referral"
                            + " will take the full validator", verdict.reason());
                }
            }
        } catch (java.io.IOException e) {
            log.warn("Could not read the example referral to warm the fast validation path");
        }
    }

    /** Bodies accepted by the fast path, and bodies that took the full validator, since start-up. */
    public long[] pathCounts() {
        return new long[] {fastAccepted.get(), fullValidated.get()};
    }

    /** The fast path's verdict on a body (for tests and benchmarks); null when the fast path is off. */
    public FastPathValidator.Verdict fastPathVerdict(String body, Resource parsed) {
        return fastPath == null ? null : fastPath.check(body, parsed);
    }

    /** Every message of the HL7 validator on a raw body (information, warnings, errors), for tests and benchmarks. */
    public ValidationResult fullResult(String body) {
        return validator.validate(body);
    }

    /** Every message of the HL7 validator on a resource, for tests of what the gateway emits. */
    public ValidationResult fullResult(IBaseResource resource) {
        return validator.validate(resource);
    }

    /**
     * Everything the gateway checks on an incoming body before a provider sees it: the HL7 validator's verdict on the
     * raw body (R4 base and the profiles) and the gateway's own rules on the parsed resource.
     *
     * @param body   the raw request body (JSON or XML)
     * @param parsed the same body parsed leniently (syntax errors already refused)
     * @return the problems at error level or worse; empty when the body is accepted
     */
    public List<OperationOutcomes.Issue> validateRequest(String body, Resource parsed) {
        if (fastPath != null && fastPath.check(body, parsed).accepted()) {
            fastAccepted.incrementAndGet();
            return checkRules(parsed);
        }
        fullValidated.incrementAndGet();
        List<OperationOutcomes.Issue> issues;
        try {
            fullRuns.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to validate", e);
        }
        try {
            issues = new ArrayList<>(validate(body));
        } finally {
            fullRuns.release();
        }
        issues.addAll(checkRules(parsed));
        return issues;
    }

    /** Problems in the raw body (JSON or XML) at error level or worse; empty when valid. */
    public List<OperationOutcomes.Issue> validate(String body) {
        ValidationResult result;
        try {
            result = validator.validate(body);
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

    /**
     * The gateway's own rules that no profile expresses (a referral's Patient subject is the referral profile's
     * invariant sp-referral-1, checked by {@link #validate}).
     */
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
}
