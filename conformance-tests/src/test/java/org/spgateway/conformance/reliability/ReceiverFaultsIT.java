package org.spgateway.conformance.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Receivers that misbehave, one way each, against the packaged gateway: answers that come after the gateway's
 * timeout, 500s, 429 with Retry-After, dropped connections (reset, empty answer), a GP endpoint doing all of these,
 * and 410 Gone. Every message arrives in the end under its one webhook-id, the Retry-After is honoured, and a 410
 * dead-letters the message and disables the endpoint until an operator enables it and replays the message.
 */
class ReceiverFaultsIT {

    private static SharedGateway shared;
    private final Random random = new Random();

    @BeforeAll
    static void deployment() throws Exception {
        shared = SharedGateway.get();
    }

    private String referralTo(String service) throws Exception {
        HttpResponse<String> response = shared.gp.post("", Suite.referralBundle("REL-RCV-" + UUID.randomUUID(), service, random),
                "application/fhir+json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Suite.serviceRequestId(response.body());
    }

    private static List<Receivers.Hit> attempts(String service, String referral) {
        return shared.receivers.hits(h -> h.webhook() && h.receiver().equals(service) && h.referralId().equals(referral));
    }

    private static String taskState(String referral) throws Exception {
        Task task = (Task) shared.gp.tasksFor(referral).getEntryFirstRep().getResource();
        return task.hasBusinessStatus() ? task.getBusinessStatus().getCodingFirstRep().getCode() : "";
    }

    /** Sends a referral to a service answering as given, and waits until it is delivered and noted on the Task. */
    private List<Receivers.Hit> deliveredDespite(String service, Receivers.Behaviour behaviour) throws Exception {
        shared.receivers.behave("/vcs/" + service, behaviour);
        try {
            String referral = referralTo(service);
            await().atMost(Duration.ofSeconds(90)).until(() -> attempts(service, referral).stream().anyMatch(Receivers.Hit::delivered));
            await().atMost(Duration.ofSeconds(30)).until(() -> taskState(referral).equals("sent"));
            List<Receivers.Hit> attempts = attempts(service, referral);
            assertThat(attempts.stream().map(Receivers.Hit::webhookId).distinct()).as("webhook-ids of one message").hasSize(1);
            return attempts;
        } finally {
            shared.receivers.behaveNormally("/vcs/" + service);
        }
    }

    @Test
    void aReceiverSlowerThanTheTimeoutGetsTheMessageAgainUnderTheSameId() throws Exception {
        List<Receivers.Hit> attempts = deliveredDespite("slow-links", Receivers.Behaviour.failFirst(2,
                Receivers.Answer.late(Suite.RESPONSE_TIMEOUT_MILLIS + 1500)));
        // the two late answers were 200s the gateway no longer waited for: the receiver has it three times
        assertThat(attempts).hasSizeGreaterThanOrEqualTo(3);
        report("receiver-timeout", attempts);
    }

    @Test
    void fiveHundredsAreRetriedUntilTheReceiverTakesTheMessage() throws Exception {
        List<Receivers.Hit> attempts = deliveredDespite("flaky-links", Receivers.Behaviour.failFirst(3, Receivers.Answer.status(500)));
        assertThat(attempts).hasSize(4);
        assertThat(attempts.stream().filter(Receivers.Hit::delivered)).hasSize(1);
        report("receiver-500", attempts);
    }

    @Test
    void aTooManyRequestsAnswerIsRetriedNoSoonerThanItsRetryAfter() throws Exception {
        List<Receivers.Hit> attempts = deliveredDespite("busy-links", Receivers.Behaviour.failFirst(1, Receivers.Answer.tooManyRequests(3)));
        assertThat(attempts).hasSize(2);
        // the schedule alone would retry after 200 ms
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        report("receiver-429", attempts);
    }

    @Test
    void droppedConnectionsAreRetriedUntilTheMessageIsDelivered() throws Exception {
        List<Receivers.Hit> attempts = deliveredDespite("drop-links", Receivers.Behaviour.sequence(
                Receivers.Answer.drop(Fault.CONNECTION_RESET_BY_PEER), Receivers.Answer.drop(Fault.EMPTY_RESPONSE),
                Receivers.Answer.drop(Fault.RANDOM_DATA_THEN_CLOSE)));
        assertThat(attempts.stream().filter(Receivers.Hit::delivered)).hasSize(1);
        assertThat(attempts).hasSizeGreaterThanOrEqualTo(4);
        report("receiver-dropped-connections", attempts);
    }

    @Test
    void aGpEndpointThatFailsInEveryWayStillGetsEveryTaskVersionInOrder() throws Exception {
        String gp = "/gp/" + Suite.PRACTICE_RECEIVER;
        shared.receivers.behave(gp, Receivers.Behaviour.sequence(Receivers.Answer.status(500), Receivers.Answer.tooManyRequests(1),
                Receivers.Answer.late(Suite.RESPONSE_TIMEOUT_MILLIS + 1000), Receivers.Answer.drop(Fault.CONNECTION_RESET_BY_PEER),
                Receivers.Answer.status(503)));
        try {
            String referral = referralTo("order-links");
            await().atMost(Duration.ofSeconds(60)).until(() -> taskState(referral).equals("sent"));
            var vcs = shared.service("order-links").organisation(shared.gateway.baseUrl());
            for (String type : List.of("referral.accepted", "referral.contacted")) {
                HttpResponse<String> r = vcs.postEvent("{\"type\":\"" + type + "\",\"referralId\":\"" + referral
                        + "\",\"occurredAt\":\"" + Instant.now() + "\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            String task = shared.gp.tasksFor(referral).getEntryFirstRep().getResource().getIdElement().getIdPart();
            await().atMost(Duration.ofSeconds(120)).until(() -> delivered(task, "contacted"));
            List<Receivers.Hit> pushes = shared.receivers.hits(h -> h.resourcePath().equals("Task/" + task));
            List<Long> deliveredVersions = pushes.stream().filter(Receivers.Hit::delivered).map(Receivers.Hit::version).distinct().toList();
            assertThat(deliveredVersions).as("Task versions delivered, in arrival order").isSorted();
            assertThat(deliveredVersions).as("every version: requested, sent, accepted, contacted").hasSizeGreaterThanOrEqualTo(4);
            // five failures for each version; the HTTP client itself re-sends at once after a reset, which takes the next
            assertThat(pushes.stream().filter(h -> !h.delivered()).count()).as("failed attempts")
                    .isGreaterThanOrEqualTo(3L * deliveredVersions.size());
            report("gp-endpoint-faults", pushes);
        } finally {
            shared.receivers.behaveNormally(gp);
        }
    }

    private static boolean delivered(String task, String businessStatus) {
        return !shared.receivers.hits(h -> h.delivered() && h.resourcePath().equals("Task/" + task)
                && h.businessStatus().equals(businessStatus)).isEmpty();
    }

    @Test
    void a410DisablesTheEndpointUntilAnOperatorEnablesItAndReplaysTheMessage() throws Exception {
        String service = "gone-links";
        Operator operator = new Operator(shared.gateway);
        shared.receivers.behave("/vcs/" + service, Receivers.Behaviour.always(Receivers.Answer.status(410)));
        String referral = referralTo(service);
        await().atMost(Duration.ofSeconds(60)).until(() -> taskState(referral).equals("delivery-failed"));
        JsonNode dead = null;
        for (JsonNode letter : operator.deadLetters()) {
            if (letter.path("referralId").asText().equals(referral)) {
                dead = letter;
            }
        }
        assertThat(dead).as("the message is a dead letter").isNotNull();
        assertThat(dead.path("lastHttpStatus").asInt()).isEqualTo(410);
        assertThat(attempts(service, referral)).as("a 410 is not retried").hasSize(1);

        // while it is disabled, a new referral naming the service is not routed to it (the GP sees why on the Task)
        String waiting = referralTo(service);
        assertThat(taskState(waiting)).isEqualTo("no-matching-service");

        shared.receivers.behaveNormally("/vcs/" + service);
        assertThat(operator.post("/operator/endpoints/" + service + "/enable").statusCode()).isEqualTo(200);
        String messageId = dead.path("messageId").asText();
        HttpResponse<String> replay = operator.post("/operator/dead-letters/" + messageId + "/replay");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> attempts(service, referral).stream().anyMatch(Receivers.Hit::delivered));
        assertThat(attempts(service, referral).stream().map(Receivers.Hit::webhookId).distinct()).containsExactly(messageId);
        await().atMost(Duration.ofSeconds(30)).until(() -> taskState(referral).equals("sent"));
        report("receiver-410", attempts(service, referral));
    }

    private static void report(String name, List<Receivers.Hit> attempts) throws Exception {
        new Figures(name).put("attempts", attempts.size())
                .put("delivered", attempts.stream().filter(Receivers.Hit::delivered).count())
                .put("answers", attempts.stream().map(h -> h.answer() == null ? "?" : h.answer().fault() != null
                        ? h.answer().fault().name() : h.answer().status() + (h.answer().delayMillis() > 0 ? " late" : "")).toList())
                .put("secondsFirstToLastAttempt", Figures.seconds(Duration.between(attempts.get(0).at(),
                        attempts.get(attempts.size() - 1).at())))
                .report();
    }
}
