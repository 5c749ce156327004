package org.spgateway.conformance.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.Fault;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.spgateway.conformance.GatewayProcess;

/**
 * kill -9 under load, again and again: GP systems post referrals and a VCS service posts events while its webhook
 * receiver and the GP endpoint misbehave at random (one attempt in five: 500, 429 with Retry-After, an answer after
 * the gateway's timeout, a reset or an empty answer), and the gateway process is killed with SIGKILL at random moments (the first time right
 * after an acknowledgement) and started again on the same database. Then every acknowledged referral must be stored
 * once, delivered to the service and pushed to the GP endpoint; every acknowledged event pushed to the GP endpoint
 * in order; duplicates only under the same id. Recovery is measured: the restart (kill to ready) and the catch-up
 * (ready to the last delivery that was due when the node died).
 * <p>
 * Default: {@value #DEFAULT_KILLS} kills. Longer: {@code -Dreliability.kills=50} and/or {@code -Dreliability.seconds=600}
 * (keeps killing until both are reached); {@code -Dreliability.seed=N} repeats a run's random choices.
 */
class CrashUnderLoadIT {

    private static final int DEFAULT_KILLS = 3;
    private static final String SERVICE = "crash-links";

    @Test
    void killedAgainAndAgainUnderLoadItLosesNothingItAcknowledged() throws Exception {
        long seed = Long.getLong("reliability.seed", System.nanoTime());
        int kills = Integer.getInteger("reliability.kills", DEFAULT_KILLS);
        Duration soak = Duration.ofSeconds(Long.getLong("reliability.seconds", 0));
        Random random = new Random(seed);
        SharedGateway shared = SharedGateway.get();
        GatewayProcess gateway = shared.gateway;
        Receivers receivers = shared.receivers;
        String webhooks = "/vcs/" + SERVICE;
        String gpEndpoint = "/gp/" + Suite.PRACTICE_RECEIVER;
        Map<Receivers.Answer, Integer> badDays = new LinkedHashMap<>();
        badDays.put(Receivers.Answer.ok(), 80);
        badDays.put(Receivers.Answer.status(500), 5);
        badDays.put(Receivers.Answer.tooManyRequests(1), 3);
        badDays.put(Receivers.Answer.late(Suite.RESPONSE_TIMEOUT_MILLIS + 1000), 4);
        badDays.put(Receivers.Answer.drop(Fault.CONNECTION_RESET_BY_PEER), 4);
        badDays.put(Receivers.Answer.drop(Fault.EMPTY_RESPONSE), 4);
        receivers.behave(webhooks, Receivers.Behaviour.random(seed, badDays));
        receivers.behave(gpEndpoint, Receivers.Behaviour.random(seed + 1, badDays));

        Traffic traffic = new Traffic(List.of(shared.node(SERVICE)), receivers, shared.service(SERVICE), seed, 2, 2);
        List<Duration> restarts = new ArrayList<>();
        List<Instant> readyAfterKill = new ArrayList<>();
        List<Set<String>> dueAtKill = new ArrayList<>();
        Instant started = Instant.now();
        try {
            traffic.start();
            for (int k = 0; k < kills || Duration.between(started, Instant.now()).compareTo(soak) < 0; k++) {
                if (k == 0) {
                    // the first kill comes right after an acknowledgement: "201" must mean stored
                    CountDownLatch acknowledged = new CountDownLatch(1);
                    AtomicReference<Runnable> once = new AtomicReference<>(acknowledged::countDown);
                    await().atMost(Duration.ofSeconds(60)).until(() -> traffic.referrals().stream().anyMatch(Traffic.Referral::acknowledged));
                    traffic.afterEachAcknowledgement(() -> once.getAndSet(() -> { }).run());
                    assertThat(acknowledged.await(60, TimeUnit.SECONDS)).as("an acknowledgement to kill after").isTrue();
                } else {
                    // load for a random while: the kill lands wherever the gateway happens to be
                    TimeUnit.MILLISECONDS.sleep(1500 + random.nextInt(3000));
                }
                gateway.kill();
                traffic.afterEachAcknowledgement(() -> { });
                // what was acknowledged and not yet delivered when the node died (a dead node delivers nothing more)
                dueAtKill.add(DeliveryCheck.undelivered(traffic, receivers, SERVICE));
                Instant killed = Instant.now();
                gateway.restart();
                restarts.add(Duration.between(killed, gateway.readyAt()));
                readyAfterKill.add(gateway.readyAt());
            }
            TimeUnit.MILLISECONDS.sleep(2000); // load on the last restart, too
            traffic.stopNewReferrals();
            awaitQuietly(Duration.ofMinutes(4), traffic::settled);
        } finally {
            traffic.stop();
        }
        receivers.behaveNormally(webhooks);
        receivers.behaveNormally(gpEndpoint);
        awaitQuietly(Duration.ofMinutes(2), () -> DeliveryCheck.undelivered(traffic, receivers, SERVICE).isEmpty());

        DeliveryCheck.Result result = DeliveryCheck.check(traffic, receivers, SERVICE, shared.gp);
        Map<String, Instant> firstDelivery = DeliveryCheck.firstDeliveries(receivers, SERVICE);
        List<Duration> catchUp = new ArrayList<>();
        for (int k = 0; k < dueAtKill.size(); k++) {
            Instant ready = readyAfterKill.get(k);
            Instant last = dueAtKill.get(k).stream().map(firstDelivery::get).filter(java.util.Objects::nonNull)
                    .max(Instant::compareTo).orElse(ready);
            catchUp.add(last.isAfter(ready) ? Duration.between(ready, last) : Duration.ZERO);
        }
        new Figures("crash-under-load").put("seed", seed).put("kills", restarts.size())
                .put("runSeconds", Duration.between(started, Instant.now()))
                .putAll(result.figures())
                .put("dueAtEachKill", dueAtKill.stream().map(Set::size).toList())
                .put("restartSecondsKillToReady", Figures.seconds(restarts))
                .put("catchUpSecondsReadyToLastDue", Figures.seconds(catchUp))
                .put("restartMaxSeconds", Figures.max(restarts)).put("catchUpMaxSeconds", Figures.max(catchUp))
                .report();

        assertThat(traffic.refusals()).as("requests the gateway refused (seed %d)", seed).isEmpty();
        assertThat(restarts).as("kills").hasSizeGreaterThanOrEqualTo(kills);
        assertThat(traffic.referrals().stream().filter(Traffic.Referral::acknowledged).count()).as("referrals acknowledged")
                .isGreaterThan(kills);
        assertThat(traffic.events().stream().filter(e -> e.acknowledgedAt != null).count()).as("events acknowledged").isPositive();
        assertThat(result.lost()).as("acknowledged but lost (seed %d)", seed).isEmpty();
        assertThat(result.underAnotherId()).as("delivered twice under different ids (seed %d)", seed).isEmpty();
        assertThat(result.outOfOrder()).as("GP pushes out of order (seed %d)", seed).isEmpty();
        assertThat(result.wrongFinalState()).as("Tasks not in the state of their last event (seed %d)", seed).isEmpty();
    }

    /** Waits for the condition, and goes on to the full check (which says what is missing) if it does not come. */
    static void awaitQuietly(Duration atMost, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException reportedByTheCheck) {
            System.out.println("[spgateway reliability] not reached within " + atMost + "; the check below says what is missing");
        }
    }
}
