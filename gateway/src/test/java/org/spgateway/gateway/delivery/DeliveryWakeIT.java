package org.spgateway.gateway.delivery;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The relay is woken by the commit that enqueues a message: with a poll interval of ten minutes, referrals' webhooks
 * still leave at once (without the wake-up they would wait for the next poll, long after this test gives up).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spgateway.data-dir=./target/it-data/${random.uuid}",
        "spgateway.delivery.poll-interval=10m"})
class DeliveryWakeIT {

    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("wake-it-secret-0123456789".getBytes());

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry registry) {
        String p = "spgateway.directory.services[0].";
        registry.add(p + "id", () -> "push-wake");
        registry.add(p + "name", () -> "Push wake");
        registry.add(p + "role", () -> "link-worker-service");
        registry.add(p + "delivery", () -> "push");
        registry.add(p + "webhook-url", () -> receiver.baseUrl() + "/hooks/wake");
        registry.add(p + "signing-secrets[0]", () -> SECRET);
        registry.add("spgateway.directory.practices[0].id", () -> "practice-elm-street");
        registry.add("spgateway.directory.practices[0].ods-code", () -> "B86001");
        registry.add("spgateway.directory.practices[0].name", () -> "Elm Street Surgery");
        // the second test practice, whose client is registered in src/test/resources/config/application.yml
        registry.add("spgateway.directory.practices[1].id", () -> "practice-oak-lane");
        registry.add("spgateway.directory.practices[1].ods-code", () -> "B86002");
        registry.add("spgateway.directory.practices[1].name", () -> "Oak Lane Medical Centre");
    }

    @Value("${local.server.port}")
    int port;

    private IGenericClient client;

    @BeforeEach
    void setUp() {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(org.spgateway.gateway.support.SmartClient.testGp(port).hapi());
        receiver.stubFor(post(urlPathEqualTo("/hooks/wake")).willReturn(aResponse().withStatus(200)));
    }

    private String referral() throws Exception {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(5).getResource();
        sr.getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        sr.addPerformer(new Reference("Organization/push-wake"));
        return client.transaction().withBundle(bundle).execute().getEntry().get(5).getResource().getIdElement().getIdPart();
    }

    @Test
    void eachCommittedReferralWakesTheRelayLongBeforeThePoll() throws Exception {
        // the first poll runs a second after start-up; after that, only wake-ups deliver within this test
        Thread.sleep(2_000);
        for (int i = 1; i <= 3; i++) {
            String referral = referral();
            int expected = i;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(receiver.findAll(postRequestedFor(urlPathEqualTo("/hooks/wake")))).hasSize(expected));
            assertThat(new String(receiver.findAll(postRequestedFor(urlPathEqualTo("/hooks/wake"))).get(i - 1).getBody(),
                    java.nio.charset.StandardCharsets.UTF_8)).contains(referral);
        }
    }
}
