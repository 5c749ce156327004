package org.spgateway.benchmarks.jmh;

import ca.uhn.fhir.parser.LenientErrorHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Resource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.spgateway.benchmarks.Referrals;
import org.spgateway.gateway.fhir.OperationOutcomes;
import org.spgateway.gateway.fhir.ResourceValidator;

/**
 * The gateway's own validation of an incoming referral Bundle, as IncomingResourceInterceptor runs it: the lenient
 * parse, then {@link ResourceValidator#validateRequest} (R4 base, the profiles, the gateway's rules). Each call gets a
 * new referral (fresh identifiers and NHS number), as the gateway does in production.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GatewayValidationBenchmark {

    private static final int DISTINCT = 1024;
    private ResourceValidator validator;
    private String[] bundles;
    private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

    @Setup
    public void setUp() {
        validator = new ResourceValidator(FhirFixtures.FHIR);
        bundles = new String[DISTINCT];
        for (int i = 0; i < DISTINCT; i++) {
            bundles[i] = Referrals.unique();
        }
        if (!validateReferralBundle().isEmpty()) {
            throw new IllegalStateException("benchmark input is invalid: " + validateReferralBundle());
        }
        if (validator.pathCounts()[0] == 0) {
            throw new IllegalStateException("the fast path did not accept the benchmark's referral: it would measure the full validator");
        }
    }

    @Benchmark
    public List<OperationOutcomes.Issue> validateReferralBundle() {
        String body = bundles[Math.floorMod(next.getAndIncrement(), DISTINCT)];
        LenientErrorHandler lenient = new LenientErrorHandler(false).setErrorOnInvalidValue(false);
        Resource parsed = (Resource) FhirFixtures.FHIR.newJsonParser().setParserErrorHandler(lenient).parseResource(body);
        return validator.validateRequest(body, parsed);
    }

    /** The same, with the full validator only (what the gateway ran before the fast path, or with it turned off). */
    @Benchmark
    public List<OperationOutcomes.Issue> fullValidatorReferralBundle() {
        String body = bundles[Math.floorMod(next.getAndIncrement(), DISTINCT)];
        LenientErrorHandler lenient = new LenientErrorHandler(false).setErrorOnInvalidValue(false);
        Resource parsed = (Resource) FhirFixtures.FHIR.newJsonParser().setParserErrorHandler(lenient).parseResource(body);
        List<OperationOutcomes.Issue> issues = new java.util.ArrayList<>(validator.validate(body));
        issues.addAll(validator.checkRules(parsed));
        return issues;
    }
}
