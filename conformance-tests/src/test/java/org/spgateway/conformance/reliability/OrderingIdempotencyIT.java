package org.spgateway.conformance.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spgateway.conformance.VcsOrganisation;

/**
 * Through the packaged gateway, requests that arrive at the same moment: identical referrals create one referral
 * (one Task, one message to the service), one event sent several times at once under one webhook-id is applied
 * once, and concurrent events for many referrals are applied and reach the GP endpoint in order, an older event
 * never overwriting the state a newer one left.
 */
class OrderingIdempotencyIT {

    private static final String SERVICE = "order-links";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SharedGateway shared;
    private static VcsOrganisation vcs;
    private final Random random = new Random();

    @BeforeAll
    static void deployment() throws Exception {
        shared = SharedGateway.get();
        vcs = shared.service(SERVICE).organisation(shared.gateway.baseUrl());
    }

    @Test
    void identicalReferralsPostedAtOnceCreateOneReferralOneTaskAndOneMessage() throws Exception {
        Figures figures = new Figures("concurrent-duplicate-referrals");
        int rounds = 5;
        int copies = 6;
        int answered = 0;
        for (int round = 0; round < rounds; round++) {
            String identifier = "REL-DUP-" + UUID.randomUUID();
            String bundle = Suite.referralBundle(identifier, SERVICE, random);
            List<HttpResponse<String>> responses = atOnce(copies, () -> shared.gp.post("", bundle, "application/fhir+json"));
            Set<String> ids = new HashSet<>();
            for (HttpResponse<String> r : responses) {
                assertThat(r.statusCode()).as("copy of %s: %s", identifier, r.body()).isEqualTo(200);
                ids.add(Suite.serviceRequestId(r.body()));
                answered++;
            }
            assertThat(ids).as("ServiceRequest ids the copies were answered with").hasSize(1);
            String referral = ids.iterator().next();
            assertThat(Suite.storedReferrals(shared.gp, identifier).getEntry()).as("stored referrals").hasSize(1);
            assertThat(shared.gp.tasksFor(referral).getEntry()).as("Tasks").hasSize(1);
            await().atMost(Duration.ofSeconds(60)).until(() -> !created(referral).isEmpty());
            await().atMost(Duration.ofSeconds(30)).until(() -> taskState(referral).equals("sent"));
            assertThat(created(referral).stream().map(Receivers.Hit::webhookId).distinct())
                    .as("messages the service received for the referral").hasSize(1);
        }
        figures.put("rounds", rounds).put("copiesPostedAtOnce", copies).put("answered200", answered)
                .put("referralsCreated", rounds).report();
    }

    @Test
    void oneEventSentSeveralTimesAtOnceIsAppliedOnce() throws Exception {
        String referral = deliveredReferral();
        String webhookId = "evt_" + UUID.randomUUID();
        String body = event("referral.accepted", referral, Instant.now());
        List<HttpResponse<String>> responses = atOnce(4, () -> vcs.postEvent(body, webhookId));
        int applied = 0;
        for (HttpResponse<String> r : responses) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            if (!JSON.readTree(r.body()).path("duplicate").asBoolean()) {
                applied++;
            }
        }
        assertThat(applied).as("answers that applied the event").isEqualTo(1);
        String task = taskId(referral);
        await().atMost(Duration.ofSeconds(60)).until(() -> !pushes(task, "accepted").isEmpty());
        assertThat(pushes(task, "accepted").stream().map(Receivers.Hit::version).distinct())
                .as("Task versions made by the event").hasSize(1);
    }

    @Test
    void concurrentEventsAreAppliedAndPushedInOrderAndAnOlderOneNeverWins() throws Exception {
        int referrals = Integer.getInteger("reliability.ordering.referrals", 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < referrals; i++) {
            ids.add(deliveredReferral());
        }
        int staleRefused = 0;
        int olderAppliedFirst = 0;
        ExecutorService pool = Executors.newFixedThreadPool(referrals);
        try {
            // every referral's service works at once; within a referral, "contacted" and then "on hold" are sent
            // together, as two workers of the service might
            List<Future<String>> outcomes = new ArrayList<>();
            for (String referral : ids) {
                outcomes.add(pool.submit(() -> {
                    send(referral, "referral.accepted", Instant.now());
                    Instant older = Instant.now();
                    Instant newer = older.plusMillis(10);
                    List<HttpResponse<String>> pair = atOnce(2, new Callable<>() {
                        private final java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();

                        @Override
                        public HttpResponse<String> call() throws Exception {
                            return n.getAndIncrement() == 0 ? vcs.postEvent(event("referral.contacted", referral, older))
                                    : vcs.postEvent(event("referral.on-hold", referral, newer));
                        }
                    });
                    String answers = pair.get(0).statusCode() + " " + pair.get(0).body() + " | " + pair.get(1).statusCode() + " " + pair.get(1).body();
                    String state = taskState(referral);
                    assertThat(state).as("after the pair (%s)", answers).isEqualTo("on-hold");
                    send(referral, "referral.completed", Instant.now());
                    return answers;
                }));
            }
            for (Future<String> outcome : outcomes) {
                String answers = outcome.get(5, TimeUnit.MINUTES);
                if (answers.contains("stale-event")) {
                    staleRefused++;
                } else {
                    olderAppliedFirst++;
                }
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> outOfOrder = new ArrayList<>();
        for (String referral : ids) {
            String task = taskId(referral);
            await().atMost(Duration.ofSeconds(60)).until(() -> !pushes(task, "completed").isEmpty());
            long lastVersion = 0;
            boolean onHoldSeen = false;
            for (Receivers.Hit push : shared.receivers.hits(h -> h.delivered() && h.resourcePath().equals("Task/" + task))) {
                if (push.version() < lastVersion) {
                    outOfOrder.add(task + " version " + push.version() + " after " + lastVersion);
                }
                if (onHoldSeen && push.businessStatus().equals("contacted")) {
                    outOfOrder.add(task + ": contacted pushed after on-hold");
                }
                onHoldSeen |= push.businessStatus().equals("on-hold");
                lastVersion = Math.max(lastVersion, push.version());
            }
            assertThat(shared.gp.tasksFor(referral).getEntry()).hasSize(1);
            assertThat(taskState(referral)).isEqualTo("completed");
        }
        new Figures("ordering").put("referralsAtOnce", referrals).put("olderEventRefusedAsStale", staleRefused)
                .put("olderEventAppliedFirst", olderAppliedFirst).put("outOfOrder", outOfOrder.size()).report();
        assertThat(outOfOrder).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** Runs the call on n threads released at the same moment. */
    static <T> List<T> atOnce(int n, Callable<T> call) throws Exception {
        CyclicBarrier together = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    together.await();
                    return call.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private String deliveredReferral() throws Exception {
        String identifier = "REL-ORD-" + UUID.randomUUID();
        HttpResponse<String> response = shared.gp.post("", Suite.referralBundle(identifier, SERVICE, random), "application/fhir+json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String referral = Suite.serviceRequestId(response.body());
        await().atMost(Duration.ofSeconds(60)).until(() -> !created(referral).isEmpty());
        return referral;
    }

    private static List<Receivers.Hit> created(String referral) {
        return shared.receivers.hits(h -> h.delivered() && h.webhook() && h.receiver().equals(SERVICE)
                && h.referralId().equals(referral) && "referral.created".equals(h.eventType()));
    }

    private static List<Receivers.Hit> pushes(String task, String businessStatus) {
        return shared.receivers.hits(h -> h.delivered() && h.resourcePath().equals("Task/" + task)
                && h.businessStatus().equals(businessStatus));
    }

    private static String taskId(String referral) throws Exception {
        return shared.gp.tasksFor(referral).getEntryFirstRep().getResource().getIdElement().getIdPart();
    }

    private static String taskState(String referral) throws Exception {
        Task task = (Task) shared.gp.tasksFor(referral).getEntryFirstRep().getResource();
        return task.hasBusinessStatus() ? task.getBusinessStatus().getCodingFirstRep().getCode() : "";
    }

    private static String event(String type, String referral, Instant at) {
        String extra = "referral.completed".equals(type)
                ? ",\"outcomes\":{\"ons4\":{\"lifeSatisfaction\":7,\"worthwhile\":8,\"happiness\":6,\"anxiety\":3}}" : "";
        return "{\"type\":\"" + type + "\",\"referralId\":\"" + referral + "\",\"occurredAt\":\"" + at + "\"" + extra + "}";
    }

    private static void send(String referral, String type, Instant at) throws Exception {
        HttpResponse<String> response = vcs.postEvent(event(type, referral, at));
        JsonNode body = JSON.readTree(response.body());
        assertThat(response.statusCode()).as("%s: %s", type, body).isEqualTo(200);
    }
}
