package org.spgateway.conformance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The closed loop as the outside parties see it, against the packaged gateway: the GP system posts a referral, the
 * VCS service receives a signed webhook and posts progress, and every event of the contract table reaches the GP
 * system's FHIR endpoint as the right Task state. Then: deliveries pending at a kill -9 are made after restart.
 */
class ReferralLoopIT {

    @RegisterExtension
    static WireMockExtension outside = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = VcsOrganisation.newSecret();
    private static GatewayProcess gateway;
    private static GpSystem gp;
    private static VcsOrganisation vcs;

    /** The extension resets stubs after each test, so the receivers are set up before each. */
    @BeforeEach
    void receiversUp() {
        outside.stubFor(post(urlPathEqualTo("/vcs/webhook")).willReturn(aResponse().withStatus(200)));
        outside.stubFor(put(urlPathMatching("/gp/fhir/.*")).willReturn(aResponse().withStatus(200)));
    }

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayProcess.start(
                "--spgateway.delivery.poll-interval=100ms",
                "--spgateway.delivery.lease=5s",
                "--spgateway.delivery.retry-schedule=500ms,500ms,500ms,500ms,500ms,500ms",
                "--spgateway.directory.practices[0].id=practice-elm-street",
                "--spgateway.directory.practices[0].ods-code=B86001",
                "--spgateway.directory.practices[0].name=Elm Street Surgery",
                "--spgateway.directory.practices[0].gp-fhir-base=" + outside.baseUrl() + "/gp/fhir",
                "--spgateway.directory.services[0].id=community-links",
                "--spgateway.directory.services[0].name=Community Links",
                "--spgateway.directory.services[0].role=link-worker-service",
                "--spgateway.directory.services[0].delivery=push",
                "--spgateway.directory.services[0].webhook-url=" + outside.baseUrl() + "/vcs/webhook",
                "--spgateway.directory.services[0].signing-secrets[0]=" + SECRET);
        gp = new GpSystem(gateway);
        vcs = new VcsOrganisation("community-links", SECRET, gateway.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private static String referral() throws Exception {
        Bundle bundle = GpSystem.FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        Bundle response = GpSystem.FHIR.newJsonParser().parseResource(Bundle.class, gp.postTransaction(bundle).body());
        return response.getEntry().get(5).getResource().getIdElement().getIdPart();
    }

    private static LoggedRequest webhookFor(String referral) {
        await().atMost(Duration.ofSeconds(30)).until(() -> findWebhook(referral) != null);
        return findWebhook(referral);
    }

    private static LoggedRequest findWebhook(String referral) {
        for (LoggedRequest r : outside.findAll(postRequestedFor(urlPathEqualTo("/vcs/webhook")))) {
            if (r.getBodyAsString().contains("\"referralId\":\"" + referral + "\"") && r.getBodyAsString().contains("referral.created")) {
                return r;
            }
        }
        return null;
    }

    private static String taskId(String referral) throws Exception {
        return gp.tasksFor(referral).getEntryFirstRep().getResource().getIdElement().getIdPart();
    }

    /** Waits until the GP endpoint has received a version of the Task in the given state. */
    private static Task awaitPushed(String taskId, String status, String businessStatus) {
        await().atMost(Duration.ofSeconds(30)).until(() -> pushed(taskId, status, businessStatus) != null);
        return pushed(taskId, status, businessStatus);
    }

    private static Task pushed(String taskId, String status, String businessStatus) {
        List<LoggedRequest> puts = outside.findAll(putRequestedFor(urlPathEqualTo("/gp/fhir/Task/" + taskId)));
        for (LoggedRequest put : puts) {
            Task task = GpSystem.FHIR.newJsonParser().parseResource(Task.class, put.getBodyAsString());
            String code = task.hasBusinessStatus() ? task.getBusinessStatus().getCodingFirstRep().getCode() : "";
            if (task.getStatus().toCode().equals(status) && code.equals(businessStatus)) {
                return task;
            }
        }
        return null;
    }

    private static String event(String type, String referral, String extra) {
        return "{\"type\":\"" + type + "\",\"referralId\":\"" + referral + "\",\"occurredAt\":\"" + Instant.now() + "\"" + extra + "}";
    }

    private static void send(String type, String referral, String extra) throws Exception {
        var response = vcs.postEvent(event(type, referral, extra));
        assertThat(response.statusCode()).as("%s: %s", type, response.body()).isEqualTo(200);
    }

    @Test
    void theWholeLoopReachesTheGpRecordEventByEvent() throws Exception {
        String referral = referral();
        LoggedRequest webhook = webhookFor(referral);
        assertThat(vcs.verifies(webhook.getHeader("webhook-id"), webhook.getHeader("webhook-timestamp"),
                webhook.getHeader("webhook-signature"), webhook.getBody())).isTrue();
        JsonNode created = JSON.readTree(webhook.getBodyAsString());
        assertThat(created.at("/patient/nhsNumber").asText()).isEqualTo("9000000009");
        String task = taskId(referral);
        awaitPushed(task, "requested", "sent");

        send("referral.accepted", referral, "");
        awaitPushed(task, "accepted", "accepted");
        send("link-worker.assigned", referral, ",\"linkWorker\":{\"name\":\"Sam Patel\"}");
        send("referral.contacted", referral, "");
        awaitPushed(task, "in-progress", "contacted");
        send("referral.appointment-booked", referral, ",\"appointmentAt\":\"2026-12-01T10:00:00Z\"");
        awaitPushed(task, "in-progress", "first-appointment-booked");
        send("referral.attending", referral, "");
        awaitPushed(task, "in-progress", "engaged");
        send("referral.on-hold", referral, ",\"note\":\"In hospital for two weeks\"");
        awaitPushed(task, "on-hold", "on-hold");
        send("referral.completed", referral, ",\"outcomes\":{\"ons4\":{\"lifeSatisfaction\":7,\"worthwhile\":8,"
                + "\"happiness\":6,\"anxiety\":3},\"swemwbs\":{\"total\":25}}");
        Task completed = awaitPushed(task, "completed", "completed");
        assertThat(completed.getOwner().getDisplay()).contains("Sam Patel");
        assertThat(completed.getOutput()).isNotEmpty();
        String observation = completed.getOutput().stream().filter(o -> o.getValue() instanceof Reference)
                .map(o -> ((Reference) o.getValue()).getReference()).filter(r -> r.startsWith("Observation/"))
                .findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> !outside.findAll(putRequestedFor(urlPathEqualTo("/gp/fhir/" + observation))).isEmpty());

        var refused = vcs.postEvent(event("referral.contacted", referral, ""));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    }

    @Test
    void declinedUnableToContactAndCancelledReachTheGpToo() throws Exception {
        String declined = referral();
        webhookFor(declined);
        send("referral.declined", declined, ",\"reason\":\"Outside our area\"");
        Task rejected = awaitPushed(taskId(declined), "rejected", "declined");
        assertThat(rejected.getStatusReason().getText()).contains("Outside our area");

        String unreachable = referral();
        webhookFor(unreachable);
        send("referral.unable-to-contact", unreachable, "");
        awaitPushed(taskId(unreachable), "on-hold", "unable-to-contact");

        String cancelled = referral();
        webhookFor(cancelled);
        send("referral.cancelled", cancelled, ",\"reason\":\"Moved away\"");
        awaitPushed(taskId(cancelled), "cancelled", "cancelled-by-service");
    }

    @Test
    void deliveriesPendingAtAKillAreMadeAfterRestart() throws Exception {
        outside.stubFor(post(urlPathEqualTo("/vcs/webhook")).willReturn(aResponse().withStatus(503)));
        try {
            String referral = referral();
            await().atMost(Duration.ofSeconds(30)).until(() -> findWebhook(referral) != null);
            gateway.kill();
            outside.resetRequests();
            outside.stubFor(post(urlPathEqualTo("/vcs/webhook")).willReturn(aResponse().withStatus(200)));
            gateway.restart();
            LoggedRequest delivered = webhookFor(referral);
            assertThat(delivered.getHeader("webhook-id")).startsWith("msg_");
            awaitPushed(taskId(referral), "requested", "sent");
        } finally {
            outside.stubFor(post(urlPathEqualTo("/vcs/webhook")).willReturn(aResponse().withStatus(200)));
        }
    }
}
