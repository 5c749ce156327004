package org.spgateway.benchmarks.jmh;

import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.spgateway.benchmarks.Referrals;
import org.spgateway.ig.IgValidator;

/**
 * HAPI's FhirInstanceValidator (the HL7 validator) on the raw body: against FHIR R4 base alone, as a plain HAPI server
 * with request validation runs it, and with the project's profiles ({@link IgValidator}, what the gateway's full path
 * runs). One instance per benchmark, shared by its threads (the validator is thread-safe and built once, as in a server).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HapiValidatorBenchmark {

    private String bundle;
    private String serviceRequest;
    private FhirValidator baseR4;
    private IgValidator profiles;

    @Setup
    public void setUp() {
        bundle = Referrals.example();
        serviceRequest = Referrals.serviceRequest();
        baseR4 = FhirFixtures.baseR4Validator();
        profiles = new IgValidator(FhirFixtures.FHIR);
        // warm both as a server does at start-up, and fail fast if the inputs are not valid
        require(baseR4.validateWithResult(bundle));
        require(profiles.validate(bundle));
        require(baseR4.validateWithResult(serviceRequest));
    }

    private static void require(ValidationResult result) {
        if (!IgValidator.errors(result).isEmpty()) {
            throw new IllegalStateException("benchmark input is invalid: " + IgValidator.errors(result));
        }
    }

    @Benchmark
    public ValidationResult baseR4ReferralBundle() {
        return baseR4.validateWithResult(bundle);
    }

    @Benchmark
    public ValidationResult baseR4ServiceRequest() {
        return baseR4.validateWithResult(serviceRequest);
    }

    @Benchmark
    public ValidationResult profilesReferralBundle() {
        return profiles.validate(bundle);
    }
}
