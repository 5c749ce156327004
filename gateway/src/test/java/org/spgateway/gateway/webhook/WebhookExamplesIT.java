package org.spgateway.gateway.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.spgateway.gateway.support.SmartClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The copy-paste verification examples in docs/vcs-integration.md work on a real webhook: the gateway delivers a
 * referral to a receiver (WireMock), and the Java example (docs/examples/java/VerifyWebhook.java, compiled and run by
 * the JDK's source launcher) and the openssl example (tools/verify-webhook.sh) both say valid for it, and invalid
 * for the same webhook with one byte of the body changed, a wrong secret or a stale timestamp; the curl example
 * (tools/send-test-webhook.sh) sends a webhook the gateway's own verifier accepts. The docs carry the files' text
 * exactly.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spgateway.data-dir=./target/it-data/${random.uuid}", "spgateway.delivery.poll-interval=100ms"})
class WebhookExamplesIT {

    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(
            "webhook-examples-it-secret-0123".getBytes(StandardCharsets.UTF_8));
    private static final Path JAVA_EXAMPLE = Path.of("../docs/examples/java/VerifyWebhook.java");
    private static final Path SHELL_EXAMPLE = Path.of("../tools/verify-webhook.sh");
    private static final Path SEND_EXAMPLE = Path.of("../tools/send-test-webhook.sh");

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry registry) {
        String p = "spgateway.directory.services[0].";
        registry.add(p + "id", () -> "example-receiver");
        registry.add(p + "name", () -> "Example receiver");
        registry.add(p + "role", () -> "activity-provider");
        registry.add(p + "delivery", () -> "push");
        registry.add(p + "webhook-url", () -> receiver.baseUrl() + "/webhook");
        registry.add(p + "signing-secrets[0]", () -> SECRET);
    }

    @Value("${local.server.port}")
    int port;

    @TempDir
    Path work;

    private LoggedRequest realWebhook() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/webhook")).willReturn(aResponse().withStatus(204)));
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(SmartClient.testGp(port).hapi());
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(5).getResource();
        sr.getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        sr.addPerformer(new Reference("Organization/example-receiver"));
        client.transaction().withBundle(bundle).execute();
        await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.findAll(postRequestedFor(urlPathEqualTo("/webhook"))).isEmpty());
        return receiver.findAll(postRequestedFor(urlPathEqualTo("/webhook"))).get(0);
    }

    /** Runs a command; its exit code and what it printed. */
    private record Run(int exit, String out) {
    }

    private static Run run(List<String> command, String secretEnv) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (secretEnv != null) {
            builder.environment().put("SECRET", secretEnv);
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Run(process.exitValue(), out);
    }

    private List<String> java(String secret, String id, String timestamp, String signature, Path body) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ArrayList<>(List.of(javaBin, JAVA_EXAMPLE.toAbsolutePath().toString(), secret, id, timestamp, signature,
                body.toString()));
    }

    private List<String> shell(String id, String timestamp, String signature, Path body) {
        return new ArrayList<>(List.of("bash", SHELL_EXAMPLE.toAbsolutePath().toString(), id, timestamp, signature, body.toString()));
    }

    @Test
    void theJavaAndShellExamplesVerifyARealWebhookAndRefuseATamperedOne() throws Exception {
        LoggedRequest webhook = realWebhook();
        String id = webhook.getHeader("webhook-id");
        String timestamp = webhook.getHeader("webhook-timestamp");
        String signature = webhook.getHeader("webhook-signature");
        Path body = Files.write(work.resolve("body.json"), webhook.getBody());
        byte[] changed = webhook.getBody().clone();
        changed[changed.length / 2] ^= 1;
        Path tampered = Files.write(work.resolve("tampered.json"), changed);
        String wrongSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString("someone-else".getBytes(StandardCharsets.UTF_8));
        String stale = Long.toString(Long.parseLong(timestamp) - 600);

        assertThat(run(java(SECRET, id, timestamp, signature, body), null)).isEqualTo(new Run(0, "valid"));
        assertThat(run(java(SECRET, id, timestamp, signature, tampered), null)).isEqualTo(new Run(1, "INVALID"));
        assertThat(run(java(wrongSecret, id, timestamp, signature, body), null)).isEqualTo(new Run(1, "INVALID"));
        assertThat(run(java(SECRET, id, stale, signature, body), null)).isEqualTo(new Run(1, "INVALID"));

        assertThat(run(shell(id, timestamp, signature, body), SECRET)).isEqualTo(new Run(0, "valid"));
        assertThat(run(shell(id, timestamp, signature, tampered), SECRET)).isEqualTo(new Run(1, "INVALID"));
        assertThat(run(shell(id, timestamp, signature, body), wrongSecret)).isEqualTo(new Run(1, "INVALID"));
        assertThat(run(shell(id, stale, signature, body), SECRET)).isEqualTo(new Run(1, "INVALID"));
    }

    @Test
    void theCurlExampleSendsAWebhookThatVerifiesAsTheGatewaysOwn() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/your-receiver")).willReturn(aResponse().withStatus(204)));
        Run sent = run(List.of("bash", SEND_EXAMPLE.toAbsolutePath().toString(), receiver.baseUrl() + "/your-receiver"), SECRET);
        assertThat(sent).isEqualTo(new Run(0, "204"));
        LoggedRequest request = receiver.findAll(postRequestedFor(urlPathEqualTo("/your-receiver"))).get(0);
        assertThat(StandardWebhooks.verify(request.getHeader("webhook-id"), request.getHeader("webhook-timestamp"),
                request.getHeader("webhook-signature"), request.getBody(), List.of(SECRET), List.of(), java.time.Instant.now(),
                Duration.ofMinutes(5)).valid()).as("the gateway's own verifier accepts it").isTrue();
        assertThat(org.spgateway.mappings.VcsSchemas.validate("referral.cancelled",
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(request.getBody()))).as("a valid v1 event").isEmpty();
    }

    @Test
    void theDocsCarryTheExamplesExactly() throws Exception {
        String guide = Files.readString(Path.of("../docs/vcs-integration.md"));
        String java = Files.readString(JAVA_EXAMPLE);
        String verify = java.substring(java.indexOf("    /** True when"), java.indexOf("    public static void main"));
        assertThat(guide).as("docs/vcs-integration.md quotes verify() from docs/examples/java/VerifyWebhook.java").contains(verify.strip());
        String shell = Files.readString(SHELL_EXAMPLE);
        assertThat(guide).as("docs/vcs-integration.md quotes tools/verify-webhook.sh's check")
                .contains(shell.substring(shell.indexOf("key=$(")).strip());
        String send = Files.readString(SEND_EXAMPLE);
        assertThat(guide).as("docs/vcs-integration.md quotes tools/send-test-webhook.sh's signing and curl")
                .contains(send.substring(send.indexOf("key=$(")).strip());
    }
}
