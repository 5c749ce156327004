package org.spgateway.gateway.subscription;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.spgateway.gateway.support.Referrals;
import org.spgateway.gateway.support.SmartClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * GP systems' FHIR R4 rest-hook Subscriptions against WireMock subscribers: a matching Task change is delivered (with
 * the Task, or as an empty ping), retried through the outbox after a failure, never about another practice's
 * referrals; criteria the gateway cannot answer are refused; final failure puts the subscription in error; off stops it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spgateway.data-dir=./target/it-data/${random.uuid}",
        "spgateway.delivery.poll-interval=100ms",
        "spgateway.delivery.retry-schedule=300ms,300ms",
        "spgateway.delivery.jitter=0"})
class SubscriptionIT {

    @RegisterExtension
    static WireMockExtension subscriber = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final FhirContext CTX = FhirContext.forR4Cached();

    @Value("${local.server.port}")
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private SmartClient elmStreet;
    private SmartClient oakLane;

    @BeforeEach
    void clients() {
        elmStreet = SmartClient.testGp(port);
        oakLane = SmartClient.of(port, "other-gp", "other-gp-ec-1", "system/*.read system/ServiceRequest.write system/Patient.write");
        subscriber.stubFor(any(urlPathMatching("/.*")).willReturn(aResponse().withStatus(200)));
    }

    @Test
    void aMatchingTaskChangeIsPutToTheSubscriberWithTheTaskAndTheHeadersAskedFor() throws Exception {
        Subscription created = subscribe(elmStreet, "Task", "/elm/full", true, "Authorization: Bearer subscriber-secret");
        assertThat(created.getStatus()).isEqualTo(Subscription.SubscriptionStatus.ACTIVE);
        String referral = refer(elmStreet, Referrals.valid());
        String taskId = taskOf(elmStreet, referral);

        LoggedRequest put = await().atMost(Duration.ofSeconds(30)).until(() -> received("/elm/full/Task/" + taskId), r -> !r.isEmpty()).get(0);
        assertThat(put.getMethod().getName()).isEqualTo("PUT");
        assertThat(put.getHeader("Authorization")).isEqualTo("Bearer subscriber-secret");
        Task task = CTX.newJsonParser().parseResource(Task.class, put.getBodyAsString());
        assertThat(task.getFocus().getReference()).isEqualTo("ServiceRequest/" + referral);
    }

    @Test
    void withoutAPayloadTheSubscriberGetsAnEmptyPostAndPollsForTheChange() throws Exception {
        String referral = refer(elmStreet, Referrals.valid());
        String taskId = taskOf(elmStreet, referral);
        subscribe(elmStreet, "Task?status=cancelled", "/elm/ping", false);
        update(elmStreet, "/ServiceRequest/" + referral, revoked(referral));

        LoggedRequest ping = await().atMost(Duration.ofSeconds(30)).until(() -> received("/elm/ping"), r -> !r.isEmpty()).get(0);
        assertThat(ping.getMethod().getName()).isEqualTo("POST");
        assertThat(ping.getBodyAsString()).isEmpty();
        // the documented fallback: a _lastUpdated search finds what changed
        Bundle changed = CTX.newJsonParser().parseResource(Bundle.class, get(elmStreet, "/Task?status=cancelled&_lastUpdated=ge2000-01-01").body());
        assertThat(changed.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).contains(taskId);
    }

    @Test
    void aPracticesSubscriptionNeverHearsAboutAnotherPracticesReferrals() throws Exception {
        subscribe(elmStreet, "Task", "/elm/all", true);
        // theirs first: the relay sends in queue order, so had theirs been queued it would have gone before ours
        String theirs = refer(oakLane, Referrals.valid());
        String ours = refer(elmStreet, Referrals.valid());
        String ourTask = taskOf(elmStreet, ours);
        await().atMost(Duration.ofSeconds(30)).until(() -> !received("/elm/all/Task/" + ourTask).isEmpty());
        String theirTask = taskOf(oakLane, theirs);
        assertThat(received("/elm/all/Task/" + theirTask)).isEmpty();
        assertThat(subscriber.findAll(anyRequestedFor(urlPathMatching("/elm/all/.*"))))
                .noneMatch(r -> r.getBodyAsString().contains(theirs));
    }

    @Test
    void aFailedNotificationIsRetriedAndAFinalFailurePutsTheSubscriptionInError() throws Exception {
        subscriber.stubFor(any(urlPathMatching("/elm/flaky.*")).inScenario("flaky").whenScenarioStateIs("Started")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        subscriber.stubFor(any(urlPathMatching("/elm/flaky.*")).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        subscribe(elmStreet, "Task", "/elm/flaky", true);
        String taskId = taskOf(elmStreet, refer(elmStreet, Referrals.valid()));
        await().atMost(Duration.ofSeconds(30)).until(() -> received("/elm/flaky/Task/" + taskId).size() >= 2);

        subscriber.stubFor(any(urlPathMatching("/elm/down.*")).willReturn(aResponse().withStatus(503)));
        Subscription down = subscribe(elmStreet, "Task", "/elm/down", true);
        refer(elmStreet, Referrals.valid());
        await().atMost(Duration.ofSeconds(30)).until(() -> read(elmStreet, down).getStatus() == Subscription.SubscriptionStatus.ERROR);
        assertThat(read(elmStreet, down).getError()).contains("HTTP 503").contains("retries exhausted");
    }

    @Test
    void aSubscriptionSetOffStopsNotifying() throws Exception {
        Subscription sub = subscribe(elmStreet, "Task", "/elm/off", true);
        sub.setStatus(Subscription.SubscriptionStatus.OFF);
        assertThat(update(elmStreet, "/Subscription/" + sub.getIdElement().getIdPart(), CTX.newJsonParser().encodeResourceToString(sub))
                .statusCode()).isEqualTo(200);
        String taskId = taskOf(elmStreet, refer(elmStreet, Referrals.valid()));
        subscribe(elmStreet, "Task", "/elm/on", true);
        taskOf(elmStreet, refer(elmStreet, Referrals.valid()));
        await().atMost(Duration.ofSeconds(30)).until(() -> !received("/elm/on/Task/.*").isEmpty());
        assertThat(received("/elm/off/Task/" + taskId)).isEmpty();
    }

    @Test
    void criteriaTheGatewayCannotAnswerAreRefusedWithAReason() throws Exception {
        for (String criteria : List.of("Observation?status=final", "Task?code=fulfill", "Task?owner:missing=true", "Task?status=")) {
            HttpResponse<String> response = post(elmStreet, "/Subscription", subscription(criteria, subscriber.baseUrl() + "/x", true));
            assertThat(response.statusCode()).as(criteria).isEqualTo(422);
            assertThat(CTX.newJsonParser().parseResource(OperationOutcome.class, response.body()).getIssueFirstRep().getDiagnostics())
                    .as(criteria).contains("criteria");
        }
        HttpResponse<String> email = post(elmStreet, "/Subscription", subscription("Task", subscriber.baseUrl(), true)
                .replace("\"rest-hook\"", "\"email\""));
        assertThat(email.statusCode()).isEqualTo(422);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private Subscription subscribe(SmartClient gp, String criteria, String path, boolean payload, String... headers) throws Exception {
        HttpResponse<String> response = post(gp, "/Subscription", subscription(criteria, subscriber.baseUrl() + path, payload, headers));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return CTX.newJsonParser().parseResource(Subscription.class, response.body());
    }

    private static String subscription(String criteria, String endpoint, boolean payload, String... headers) {
        Subscription s = new Subscription();
        s.setStatus(Subscription.SubscriptionStatus.REQUESTED);
        s.setReason("Follow our referrals");
        s.setCriteria(criteria);
        s.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK).setEndpoint(endpoint);
        if (payload) {
            s.getChannel().setPayload("application/fhir+json");
        }
        for (String h : headers) {
            s.getChannel().addHeader(h);
        }
        return CTX.newJsonParser().encodeResourceToString(s);
    }

    private Subscription read(SmartClient gp, Subscription s) throws Exception {
        return CTX.newJsonParser().parseResource(Subscription.class, get(gp, "/Subscription/" + s.getIdElement().getIdPart()).body());
    }

    private String refer(SmartClient gp, Referrals referrals) throws Exception {
        HttpResponse<String> response = post(gp, "", CTX.newJsonParser().encodeResourceToString(referrals.transaction()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle result = CTX.newJsonParser().parseResource(Bundle.class, response.body());
        return result.getEntry().stream().filter(e -> e.getResource().fhirType().equals("ServiceRequest")).findFirst()
                .orElseThrow().getResource().getIdElement().getIdPart();
    }

    private String taskOf(SmartClient gp, String referral) throws Exception {
        Bundle tasks = CTX.newJsonParser().parseResource(Bundle.class, get(gp, "/Task?focus=ServiceRequest/" + referral).body());
        return tasks.getEntryFirstRep().getResource().getIdElement().getIdPart();
    }

    private String revoked(String referral) throws Exception {
        var sr = CTX.newJsonParser().parseResource(org.hl7.fhir.r4.model.ServiceRequest.class,
                get(elmStreet, "/ServiceRequest/" + referral).body());
        sr.setStatus(org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus.REVOKED);
        sr.setMeta(null);
        return CTX.newJsonParser().encodeResourceToString(sr);
    }

    private List<LoggedRequest> received(String pathRegex) {
        return subscriber.findAll(anyRequestedFor(urlPathMatching(pathRegex)));
    }

    private HttpResponse<String> get(SmartClient gp, String path) throws Exception {
        return http.send(gp.authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + path)))
                .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(SmartClient gp, String path, String body) throws Exception {
        return http.send(gp.authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + path)))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> update(SmartClient gp, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(gp.authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + path)))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }
}
