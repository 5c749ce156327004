package org.spgateway.gateway.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Delivery against WireMock receivers, one service per behaviour: signed webhooks a receiver can verify, retries
 * after 5xx with the same webhook-id, Retry-After, 410 disabling the endpoint, 400 dead-lettering and replay, order
 * per referral, the GP push, and the pull inbox.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spgateway.data-dir=./target/it-data/${random.uuid}",
        "spgateway.delivery.poll-interval=100ms",
        "spgateway.delivery.retry-schedule=300ms,300ms,300ms,300ms",
        "spgateway.delivery.jitter=0"})
class DeliveryIT {

    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("delivery-it-secret-0123456789".getBytes());
    private static final List<String> PUSH_SERVICES = List.of("ok", "flaky", "slow", "gone", "bad", "order", "ed25519");
    private static final org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters GATEWAY_KEY =
            new org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters(new java.security.SecureRandom());

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry registry) {
        int i = 0;
        for (String name : PUSH_SERVICES) {
            String p = "spgateway.directory.services[" + i++ + "].";
            registry.add(p + "id", () -> "push-" + name);
            registry.add(p + "name", () -> "Push " + name);
            registry.add(p + "role", () -> "link-worker-service");
            registry.add(p + "delivery", () -> "push");
            registry.add(p + "webhook-url", () -> receiver.baseUrl() + "/hooks/" + name);
            registry.add(p + "signing-secrets[0]", () -> SECRET);
            if (name.equals("ed25519")) {
                registry.add(p + "outbound-signature", () -> "v1a");
            }
        }
        registry.add("spgateway.delivery.ed25519-private-key",
                () -> java.util.Base64.getEncoder().encodeToString(GATEWAY_KEY.getEncoded()));
        String p = "spgateway.directory.services[" + i + "].";
        registry.add(p + "id", () -> "pull-inbox");
        registry.add(p + "name", () -> "Pull inbox");
        registry.add(p + "role", () -> "link-worker-service");
        registry.add(p + "delivery", () -> "pull");
        registry.add(p + "signing-secrets[0]", () -> SECRET);
        registry.add("spgateway.directory.practices[0].id", () -> "practice-elm-street");
        registry.add("spgateway.directory.practices[0].ods-code", () -> "B86001");
        registry.add("spgateway.directory.practices[0].name", () -> "Elm Street Surgery");
        registry.add("spgateway.directory.practices[0].gp-fhir-base", () -> receiver.baseUrl() + "/gp/fhir");
        // the second test practice, whose client is registered in src/test/resources/config/application.yml
        registry.add("spgateway.directory.practices[1].id", () -> "practice-oak-lane");
        registry.add("spgateway.directory.practices[1].ods-code", () -> "B86002");
        registry.add("spgateway.directory.practices[1].name", () -> "Oak Lane Medical Centre");
    }

    @Value("${local.server.port}")
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.spgateway.gateway.security.Accounts.DemoAccounts demo;

    private IGenericClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(org.spgateway.gateway.support.SmartClient.testGp(port).hapi());
        receiver.stubFor(put(urlPathMatching("/gp/fhir/.*")).willReturn(aResponse().withStatus(200)));
    }

    private String referralTo(String service) throws Exception {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(5).getResource();
        sr.getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        sr.addPerformer(new Reference("Organization/" + service));
        return client.transaction().withBundle(bundle).execute().getEntry().get(5).getResource().getIdElement().getIdPart();
    }

    private Task task(String referral) {
        return (Task) client.search().forResource(Task.class).where(Task.FOCUS.hasId("ServiceRequest/" + referral))
                .returnBundle(Bundle.class).execute().getEntryFirstRep().getResource();
    }

    private String businessStatus(String referral) {
        Task task = task(referral);
        return task.hasBusinessStatus() ? task.getBusinessStatus().getCodingFirstRep().getCode() : "";
    }

    private List<LoggedRequest> received(String name) {
        return receiver.findAll(postRequestedFor(urlPathEqualTo("/hooks/" + name)));
    }

    private List<LoggedRequest> receivedFor(String name, String referral) throws Exception {
        List<LoggedRequest> mine = new java.util.ArrayList<>();
        for (LoggedRequest r : received(name)) {
            if (JSON.readTree(r.getBodyAsString()).at("/referralId").asText().equals(referral)) {
                mine.add(r);
            }
        }
        return mine;
    }

    @Test
    void theServiceReceivesASignedWebhookItCanVerifyAndTheTaskSaysSent() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/hooks/ok")).willReturn(aResponse().withStatus(204)));
        String referral = referralTo("push-ok");
        await().atMost(Duration.ofSeconds(20)).until(() -> !receivedFor("ok", referral).isEmpty());
        LoggedRequest request = receivedFor("ok", referral).get(0);
        String id = request.getHeader("webhook-id");
        String timestamp = request.getHeader("webhook-timestamp");
        assertThat(StandardWebhooks.verify(id, timestamp, request.getHeader("webhook-signature"), request.getBody(),
                List.of(SECRET), List.of(), Instant.now(), Duration.ofMinutes(5)).valid()).isTrue();
        // recomputed independently of the gateway's code path: HMAC-SHA256 over id.timestamp.body
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(SECRET.substring(6)), "HmacSHA256"));
        String expected = "v1," + java.util.Base64.getEncoder().encodeToString(
                mac.doFinal((id + "." + timestamp + "." + request.getBodyAsString()).getBytes(StandardCharsets.UTF_8)));
        assertThat(request.getHeader("webhook-signature")).isEqualTo(expected);
        assertThat(JSON.readTree(request.getBodyAsString()).at("/type").asText()).isEqualTo("referral.created");
        await().atMost(Duration.ofSeconds(10)).until(() -> businessStatus(referral).equals("sent"));
    }

    @Test
    void aServiceThatChoseEd25519GetsV1aSignaturesVerifiableWithTheGatewaysPublicKey() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/hooks/ed25519")).willReturn(aResponse().withStatus(200)));
        String referral = referralTo("push-ed25519");
        await().atMost(Duration.ofSeconds(20)).until(() -> !receivedFor("ed25519", referral).isEmpty());
        LoggedRequest request = receivedFor("ed25519", referral).get(0);
        assertThat(request.getHeader("webhook-signature")).startsWith("v1a,");
        String publicKey = java.util.Base64.getEncoder().encodeToString(GATEWAY_KEY.generatePublicKey().getEncoded());
        assertThat(StandardWebhooks.verify(request.getHeader("webhook-id"), request.getHeader("webhook-timestamp"),
                request.getHeader("webhook-signature"), request.getBody(), List.of(), List.of(publicKey), Instant.now(),
                Duration.ofMinutes(5)).valid()).isTrue();
    }

    @Test
    void serverErrorsAreRetriedWithTheSameWebhookIdUntilDelivered() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/hooks/flaky")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("failed-once"));
        receiver.stubFor(post(urlPathEqualTo("/hooks/flaky")).inScenario("flaky").whenScenarioStateIs("failed-once")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("failed-twice"));
        receiver.stubFor(post(urlPathEqualTo("/hooks/flaky")).inScenario("flaky").whenScenarioStateIs("failed-twice")
                .willReturn(aResponse().withStatus(200)));
        String referral = referralTo("push-flaky");
        await().atMost(Duration.ofSeconds(20)).until(() -> businessStatus(referral).equals("sent"));
        List<LoggedRequest> attempts = receivedFor("flaky", referral);
        assertThat(attempts).hasSize(3);
        assertThat(attempts).extracting(r -> r.getHeader("webhook-id")).containsOnly(attempts.get(0).getHeader("webhook-id"));
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/hooks/slow")).inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("ready"));
        receiver.stubFor(post(urlPathEqualTo("/hooks/slow")).inScenario("slow").whenScenarioStateIs("ready")
                .willReturn(aResponse().withStatus(200)));
        String referral = referralTo("push-slow");
        await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor("slow", referral).size() == 2);
        List<LoggedRequest> attempts = receivedFor("slow", referral);
        long gap = attempts.get(1).getLoggedDate().getTime() - attempts.get(0).getLoggedDate().getTime();
        assertThat(gap).isGreaterThanOrEqualTo(1900);
    }

    @Test
    void goneDisablesTheEndpointAndTheTaskShowsTheFailure() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/hooks/gone")).willReturn(aResponse().withStatus(410)));
        String referral = referralTo("push-gone");
        await().atMost(Duration.ofSeconds(20)).until(() -> businessStatus(referral).equals("delivery-failed"));
        assertThat(task(referral).getStatusReason().getText()).contains("410");
        JsonNode dead = JSON.readTree(get("/operator/dead-letters").body());
        assertThat(dead.at("/deadLetters").findValuesAsText("referralId")).contains(referral);
        // a second referral to the withdrawn service is routed nowhere, and the GP sees why
        String second = referralTo("push-gone");
        assertThat(businessStatus(second)).isEqualTo("no-matching-service");
        assertThat(received("gone")).hasSize(1);
    }

    @Test
    void aRefusedMessageIsDeadLetteredAndAReplayDeliversItWithTheSameWebhookId() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/hooks/bad")).willReturn(aResponse().withStatus(400)));
        String referral = referralTo("push-bad");
        await().atMost(Duration.ofSeconds(20)).until(() -> businessStatus(referral).equals("delivery-failed"));
        assertThat(receivedFor("bad", referral)).hasSize(1);
        String messageId = receivedFor("bad", referral).get(0).getHeader("webhook-id");

        receiver.stubFor(post(urlPathEqualTo("/hooks/bad")).willReturn(aResponse().withStatus(200)));
        HttpResponse<String> replay = http.send(org.spgateway.gateway.support.Logins.request(port,
                "/operator/dead-letters/" + messageId + "/replay", demo).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor("bad", referral).size() == 2);
        assertThat(receivedFor("bad", referral).get(1).getHeader("webhook-id")).isEqualTo(messageId);
        // delivered after all: the GP no longer sees the failure
        await().atMost(Duration.ofSeconds(20)).until(() -> businessStatus(referral).equals("sent"));
        JsonNode audited = JSON.readTree(get("/ig/v1/audit?type=dead-letter.replayed").body());
        assertThat(audited.at("/records").findValuesAsText("referralId")).contains(referral);
    }

    @Test
    void aReplayPassesTheConsentGateAgainAndIsRefusedOnceConsentIsWithdrawn() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/hooks/bad")).willReturn(aResponse().withStatus(400)));
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        ((ServiceRequest) bundle.getEntry().get(5).getResource()).addPerformer(new Reference("Organization/push-bad"));
        bundle.getEntry().get(0).getRequest().setIfNoneExist(null);
        ((org.hl7.fhir.r4.model.Patient) bundle.getEntry().get(0).getResource()).getIdentifier().clear();
        Bundle response = client.transaction().withBundle(bundle).execute();
        String referral = response.getEntry().get(5).getResource().getIdElement().getIdPart();
        await().atMost(Duration.ofSeconds(20)).until(() -> businessStatus(referral).equals("delivery-failed"));
        String messageId = receivedFor("bad", referral).get(0).getHeader("webhook-id");

        org.hl7.fhir.r4.model.Consent consent = (org.hl7.fhir.r4.model.Consent) response.getEntry().get(4).getResource();
        consent.setStatus(org.hl7.fhir.r4.model.Consent.ConsentState.INACTIVE);
        client.update().resource(consent).execute();
        receiver.stubFor(post(urlPathEqualTo("/hooks/bad")).willReturn(aResponse().withStatus(200)));

        HttpResponse<String> replay = http.send(org.spgateway.gateway.support.Logins.request(port,
                "/operator/dead-letters/" + messageId + "/replay", demo).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(replay.body()).at("/type").asText()).endsWith("consent-no-longer-permits");
        assertThat(receivedFor("bad", referral).stream().filter(r -> r.getBodyAsString().contains("referral.created"))).hasSize(1);
    }

    @Test
    void aReferralsMessagesArriveInOrderEvenWhenTheFirstNeedsRetries() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/hooks/order")).inScenario("order").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("up"));
        receiver.stubFor(post(urlPathEqualTo("/hooks/order")).inScenario("order").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        String referral = referralTo("push-order");
        ServiceRequest sr = client.read().resource(ServiceRequest.class).withId(referral).execute();
        sr.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
        client.update().resource(sr).execute();
        await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor("order", referral).stream()
                .anyMatch(r -> r.getBodyAsString().contains("referral.cancelled")));
        List<String> types = new java.util.ArrayList<>();
        for (LoggedRequest r : receivedFor("order", referral)) {
            types.add(JSON.readTree(r.getBodyAsString()).at("/type").asText());
        }
        assertThat(types).containsExactly("referral.created", "referral.created", "referral.cancelled");
    }

    @Test
    void taskChangesArePushedToTheGpSystem() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/hooks/ok")).willReturn(aResponse().withStatus(200)));
        String referral = referralTo("push-ok");
        String taskId = task(referral).getIdElement().getIdPart();
        await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.findAll(anyRequestedFor(
                urlPathEqualTo("/gp/fhir/Task/" + taskId))).isEmpty());
        LoggedRequest push = receiver.findAll(anyRequestedFor(urlPathEqualTo("/gp/fhir/Task/" + taskId))).get(0);
        assertThat(push.getMethod().getName()).isEqualTo("PUT");
        assertThat(push.getHeader("Content-Type")).startsWith("application/fhir+json");
        Task pushed = CTX.newJsonParser().parseResource(Task.class, push.getBodyAsString());
        assertThat(pushed.getFocus().getReference()).isEqualTo("ServiceRequest/" + referral);
    }

    @Test
    void aPullServiceReadsItsInboxAndAcknowledges() throws Exception {
        String referral = referralTo("pull-inbox");
        HttpResponse<String> inbox = signed("GET", "/vcs/v1/inbox", "pull-inbox", SECRET);
        assertThat(inbox.statusCode()).as(inbox.body()).isEqualTo(200);
        JsonNode message = null;
        for (JsonNode m : JSON.readTree(inbox.body()).at("/messages")) {
            if (m.at("/referralId").asText().equals(referral)) {
                message = m;
            }
        }
        assertThat(message).isNotNull();
        assertThat(message.at("/payload/patient/nhsNumber").asText()).isEqualTo("9000000009");
        String messageId = message.at("/messageId").asText();

        assertThat(signed("POST", "/vcs/v1/inbox/" + messageId + "/ack", "push-ok", SECRET).statusCode()).isEqualTo(404);
        assertThat(signed("GET", "/vcs/v1/inbox", "pull-inbox", "whsec_" + java.util.Base64.getEncoder()
                .encodeToString("wrong-secret-0123456789".getBytes())).statusCode()).isEqualTo(401);
        assertThat(signed("POST", "/vcs/v1/inbox/" + messageId + "/ack", "pull-inbox", SECRET).statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(signed("GET", "/vcs/v1/inbox", "pull-inbox", SECRET).body()).at("/messages")
                .findValuesAsText("messageId")).doesNotContain(messageId);
        await().atMost(Duration.ofSeconds(10)).until(() -> businessStatus(referral).equals("sent"));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(org.spgateway.gateway.support.Logins.request(port, path, demo).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signed(String method, String path, String organisation, String secret) throws Exception {
        String id = "req_" + UUID.randomUUID();
        long now = Instant.now().getEpochSecond();
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("webhook-organisation", organisation).header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", StandardWebhooks.signV1(secret, id, now, new byte[0]))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
