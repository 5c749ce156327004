package org.spgateway.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.spgateway.gateway.GatewayApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A bad value stops start-up with a message that names the key, what is wrong and the fix (command line and
 * environment variable, with the default as an example), printed by Spring Boot's failure report.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigValidationIT {

    private static Throwable start(String... properties) {
        // as command-line arguments, which override application.yml as an operator's would
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "--spgateway.data-dir=./target/it-data/" + UUID.randomUUID(), "--server.port=0"));
        // the PostgreSQL run: a fresh database, so start-up gets as far as binding the bad value
        args.addAll(org.spgateway.gateway.support.TestPostgres.argsForAFreshDatabase());
        for (String property : properties) {
            args.add("--" + property);
        }
        String[] all = args.toArray(String[]::new);
        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(GatewayApplication.class).run(all).close());
        assertThat(failure).as("start-up with %s fails", String.join(" ", properties)).isNotNull();
        return failure;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "spgateway.fhir.max-body-bytes=10 | spgateway.fhir.max-body-bytes = \"10\": must be greater than or equal to 1024"
                    + " | --spgateway.fhir.max-body-bytes=1000000 | SPGATEWAY_FHIR_MAXBODYBYTES=1000000",
            "spgateway.delivery.jitter=3 | spgateway.delivery.jitter = \"3.0\": must be less than or equal to 1.0"
                    + " | --spgateway.delivery.jitter=0.2 | SPGATEWAY_DELIVERY_JITTER=0.2",
            "spgateway.delivery.lease=soon | spgateway.delivery.lease = \"soon\": cannot be read as a duration"
                    + " | --spgateway.delivery.lease=30s | SPGATEWAY_DELIVERY_LEASE=30s",
            "spgateway.security.smart.token-lifetime=2h | spgateway.security.smart.token-lifetime = \"PT2H\": must be shorter"
                    + " | --spgateway.security.smart.token-lifetime=300s | SPGATEWAY_SECURITY_SMART_TOKENLIFETIME=300s"})
    void aBadValueStopsStartUpNamingTheKeyAndTheFix(String property, String problem, String commandLine, String environment,
                                                     CapturedOutput output) {
        Throwable failure = start(property);
        FailureAnalysis analysis = new ConfigurationFailureAnalyzer().analyze(failure);
        assertThat(analysis).as("the gateway's analyzer explains %s", failure).isNotNull();
        assertThat(analysis.getDescription()).contains(problem);
        assertThat(analysis.getAction()).contains(commandLine).contains(environment);
        // what the operator actually sees: Spring Boot's report uses this analysis, not its generic one
        // (compared without the quotes, which a JSON log line escapes)
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START").contains(problem.replaceFirst(" = .*", ""))
                .contains(commandLine).contains(environment);
    }

    @Test
    void aSecretIsNeverEchoed(CapturedOutput output) {
        start("spgateway.directory.services[0].signing-secrets[0]=whsec_c2VjcmV0", "spgateway.directory.services[0].role=nurse");
        assertThat(output.getAll()).contains("spgateway.directory.services[0].role").doesNotContain("c2VjcmV0");
    }
}
