package org.spgateway.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The benchmark harness works, end to end, as benchmarks/run.sh runs it, in a bounded time: the packaged benchmarks
 * jar runs {@code suite --quick} (every JMH benchmark for one short iteration in one fork, then one short fixed-rate
 * load run against the packaged gateway jar started as a process) and its report holds a sane figure for everything.
 * Not a measurement: speed is never asserted here.
 */
class BenchmarkSmokeIT {

    private static final List<String> BENCHMARKS = List.of("HapiParseBenchmark.parseEncodeReferralBundle",
            "HapiParseBenchmark.parseEncodeServiceRequest", "HapiValidatorBenchmark.baseR4ReferralBundle",
            "HapiValidatorBenchmark.baseR4ServiceRequest", "HapiValidatorBenchmark.profilesReferralBundle",
            "GatewayValidationBenchmark.validateReferralBundle", "GatewayValidationBenchmark.fullValidatorReferralBundle",
            "ConsentAndMappingBenchmark.vcsMapping", "ConsentAndMappingBenchmark.consentDecisionAndRedaction");

    @Test
    void quickSuiteProducesASaneReport() throws Exception {
        Path out = Path.of(System.getProperty("bench.work", "target/smoke")).toAbsolutePath();
        String seconds = System.getProperty("bench.smoke.seconds", "10");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of(System.getProperty("bench.jar", "target/spgateway-benchmarks.jar")).toAbsolutePath().toString(),
                "suite", "--quick", "--out", out.toString(), "--rate", "10", "--duration", seconds, "--warmup", "3",
                "--searches", "5", "--gateway-jar", System.getProperty("spgateway.jar", "../gateway/target/spgateway-gateway.jar")));
        Files.createDirectories(out);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.resolve("suite.log").toFile()).start();
        assertThat(process.waitFor(20, TimeUnit.MINUTES)).as("suite finished; see " + out.resolve("suite.log")).isTrue();
        assertThat(process.exitValue()).as("suite exit code; see " + out.resolve("suite.log")).isZero();

        JsonNode suite = new ObjectMapper().readTree(out.resolve("suite.json").toFile());
        for (String benchmark : BENCHMARKS) {
            assertThat(suite.path("jmh").path(benchmark).path("opsPerSecond").asDouble()).as(benchmark).isPositive();
        }
        JsonNode run = suite.path("fixedRate").get(0);
        assertThat(run).as("a fixed-rate run").isNotNull();
        assertThat(run.path("sent").asLong()).isEqualTo(run.path("intakeLatencyMs").path("count").asLong()).isPositive();
        assertThat(run.path("created").asLong()).as("referrals accepted").isPositive();
        assertThat(run.path("failed").asLong()).as("failed requests: " + run.path("failureStatuses")).isZero();
        assertThat(run.path("intakeLatencyMs").path("p50").asDouble()).isPositive()
                .isLessThanOrEqualTo(run.path("intakeLatencyMs").path("p99").asDouble());
        assertThat(run.path("webhooksReceived").asLong()).as("signed webhooks at the VCS receiver").isPositive();
        assertThat(run.path("badSignatures").asLong()).isZero();
        assertThat(run.path("startupMillis").asLong()).isPositive();
        assertThat(run.path("gatewayRssMbMax").asLong()).isPositive();
        assertThat(run.path("gatewayCpuCoresUsed").asDouble()).isPositive();
        assertThat(Files.readString(out.resolve("summary.md"))).contains("In-process baselines", "Fixed arrival rate",
                "HapiValidatorBenchmark.profilesReferralBundle");
    }
}
