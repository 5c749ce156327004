package org.spgateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "A 201 means stored durably": the gateway process is killed with SIGKILL right after a 201, and at random
 * moments under load, then restarted on the same database; every acknowledged referral must be there with its
 * Task, and a referral that was in flight is either wholly there or wholly absent.
 */
class CrashRecoveryIT {

    private static GatewayProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayProcess.start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void aReferralAcknowledgedJustBeforeAKillSurvivesIt() throws Exception {
        GpSystem gp = new GpSystem(gateway);
        String identifier = "crash-" + UUID.randomUUID();
        HttpResponse<String> response = gp.postTransaction(GpSystem.referralBundle(identifier));
        assertThat(response.statusCode()).isEqualTo(200);
        gateway.kill();
        gateway.restart();

        Bundle found = gp.referralsWithIdentifier(identifier);
        assertThat(found.getEntry()).hasSize(1);
        assertThat(gp.tasksFor(found.getEntryFirstRep().getResource().getIdElement().getIdPart()).getEntry()).hasSize(1);
    }

    @Test
    void killsAtRandomMomentsUnderLoadLoseNoAcknowledgedReferral() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        int cycles = Integer.getInteger("crash.cycles", 3);
        GpSystem gp = new GpSystem(gateway);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Set<String> inFlight = ConcurrentHashMap.newKeySet();

        for (int cycle = 0; cycle < cycles; cycle++) {
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> posters = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread poster = new Thread(() -> {
                    while (running.get()) {
                        String identifier = "load-" + UUID.randomUUID();
                        inFlight.add(identifier);
                        try {
                            HttpResponse<String> r = gp.postTransaction(GpSystem.referralBundle(identifier));
                            if (r.statusCode() == 200) {
                                acknowledged.add(identifier);
                                inFlight.remove(identifier);
                            }
                        } catch (Exception connectionLostByTheKill) {
                            // no answer: the referral was not acknowledged, so it may or may not be stored
                        }
                    }
                });
                poster.start();
                posters.add(poster);
            }
            // kill while referrals are flowing: after this cycle's first acknowledgement (a loaded machine may take
            // a while to answer the first one), at a random moment
            int before = acknowledged.size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (acknowledged.size() == before && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            TimeUnit.MILLISECONDS.sleep(random.nextInt(2500));
            gateway.kill();
            running.set(false);
            for (Thread poster : posters) {
                poster.join(TimeUnit.SECONDS.toMillis(40));
            }
            gateway.restart();
        }

        assertThat(acknowledged).as("referrals acknowledged before the kills (seed %d)", seed).isNotEmpty();
        for (String identifier : acknowledged) {
            Bundle found = gp.referralsWithIdentifier(identifier);
            assertThat(found.getEntry()).as("acknowledged referral %s (seed %d)", identifier, seed).hasSize(1);
            assertThat(gp.tasksFor(found.getEntryFirstRep().getResource().getIdElement().getIdPart()).getEntry())
                    .as("Task of acknowledged referral %s", identifier).hasSize(1);
        }
        for (String identifier : inFlight) {
            Bundle found = gp.referralsWithIdentifier(identifier);
            if (!found.getEntry().isEmpty()) {
                assertThat(gp.tasksFor(found.getEntryFirstRep().getResource().getIdElement().getIdPart()).getEntry())
                        .as("a referral stored from an unanswered request still has its Task").hasSize(1);
            }
        }
    }
}
