package org.spgateway.benchmarks.jmh;

import ca.uhn.fhir.parser.IParser;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.spgateway.benchmarks.Referrals;

/** HAPI's JSON parser: parse and encode again, the least any FHIR server does with a request body. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HapiParseBenchmark {

    private String bundle;
    private String serviceRequest;
    private IParser parser;

    @Setup
    public void setUp() {
        bundle = Referrals.example();
        serviceRequest = Referrals.serviceRequest();
        parser = FhirFixtures.FHIR.newJsonParser();
    }

    @Benchmark
    public String parseEncodeReferralBundle() {
        IBaseResource parsed = parser.parseResource(bundle);
        return parser.encodeResourceToString(parsed);
    }

    @Benchmark
    public String parseEncodeServiceRequest() {
        IBaseResource parsed = parser.parseResource(serviceRequest);
        return parser.encodeResourceToString(parsed);
    }
}
