package org.spgateway.conformance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * One packaged gateway with the parties outside it (a VCS webhook receiver and the practice's GP FHIR endpoint, both
 * WireMock), shared by the conformance test classes so the jar starts once: started on first use, stopped when the
 * test JVM exits. Each test makes its own referrals, so tests do not depend on each other's data.
 */
final class LoopWorld {

    private static LoopWorld shared;

    final WireMockServer outside;
    final GatewayProcess gateway;
    final GpSystem gp;
    final VcsOrganisation vcs;

    /** A referral taken through the whole loop. */
    record Completed(String referralId, String taskId, String patientId) {
    }

    private LoopWorld() throws Exception {
        outside = new WireMockServer(wireMockConfig().dynamicPort());
        outside.start();
        outside.stubFor(any(urlPathMatching("/.*")).willReturn(aResponse().withStatus(200)));
        String secret = VcsOrganisation.newSecret();
        gateway = GatewayProcess.start(
                "--spgateway.delivery.poll-interval=100ms",
                "--spgateway.delivery.lease=5s",
                "--spgateway.delivery.retry-schedule=500ms,500ms,1s,1s",
                "--spgateway.directory.practices[0].id=practice-elm-street",
                "--spgateway.directory.practices[0].ods-code=B86001",
                "--spgateway.directory.practices[0].name=Elm Street Surgery",
                "--spgateway.directory.practices[0].gp-fhir-base=" + outside.baseUrl() + "/gp/fhir",
                "--spgateway.directory.services[0].id=community-links",
                "--spgateway.directory.services[0].name=Community Links",
                "--spgateway.directory.services[0].role=link-worker-service",
                "--spgateway.directory.services[0].categories[0]=loneliness-isolation",
                "--spgateway.directory.services[0].delivery=push",
                "--spgateway.directory.services[0].webhook-url=" + outside.baseUrl() + "/vcs/webhook",
                "--spgateway.directory.services[0].signing-secrets[0]=" + secret);
        gp = new GpSystem(gateway);
        vcs = new VcsOrganisation("community-links", secret, gateway.baseUrl());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                gateway.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            outside.stop();
        }));
    }

    static synchronized LoopWorld get() throws Exception {
        if (shared == null) {
            shared = new LoopWorld();
        }
        return shared;
    }

    /** Posts the documented example referral (a fresh identifier) and answers the ServiceRequest's and Patient's ids. */
    String[] postReferral() throws Exception {
        Bundle bundle = GpSystem.FHIR.newJsonParser().parseResource(Bundle.class,
                Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        var response = gp.postTransaction(bundle);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle result = GpSystem.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
        return new String[] {result.getEntry().get(5).getResource().getIdElement().getIdPart(),
                result.getEntry().get(0).getResource().getIdElement().getIdPart()};
    }

    /** A referral delivered, accepted, assigned, booked and completed with every outcome measure. */
    Completed completedReferral() throws Exception {
        String[] ids = postReferral();
        String referral = ids[0];
        await().atMost(Duration.ofSeconds(60)).until(() -> outside.findAll(postRequestedFor(urlPathEqualTo("/vcs/webhook")))
                .stream().anyMatch(r -> r.getBodyAsString().contains("\"referralId\":\"" + referral + "\"")));
        send("referral.accepted", referral, "");
        send("link-worker.assigned", referral, ",\"linkWorker\":{\"name\":\"Sam Patel\",\"phone\":\"0113 496 0000\"}");
        send("referral.appointment-booked", referral, ",\"appointmentAt\":\"2026-12-01T10:00:00Z\"");
        send("referral.attending", referral, ",\"note\":\"Came to the first session\"");
        send("referral.completed", referral, ",\"outcomes\":{\"ons4\":{\"lifeSatisfaction\":7,\"worthwhile\":8,"
                + "\"happiness\":6,\"anxiety\":3},\"swemwbs\":{\"total\":25,\"items\":[3,4,3,4,3,4,4]},"
                + "\"wemwbs\":{\"total\":51},\"goals\":\"Join the walking group\"}");
        String task = gp.tasksFor(referral).getEntryFirstRep().getResource().getIdElement().getIdPart();
        return new Completed(referral, task, ids[1]);
    }

    void send(String type, String referral, String extra) throws Exception {
        var response = vcs.postEvent("{\"type\":\"" + type + "\",\"referralId\":\"" + referral + "\",\"occurredAt\":\""
                + Instant.now() + "\"" + extra + "}");
        assertThat(response.statusCode()).as("%s: %s", type, response.body()).isEqualTo(200);
    }
}
