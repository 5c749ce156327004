package org.spgateway.conformance.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.hl7.fhir.r4.model.Task;
import org.spgateway.conformance.GatewayProcess;
import org.spgateway.conformance.GpSystem;
import org.spgateway.conformance.VcsOrganisation;

/**
 * What a GP system and a service see while the store cannot take writes (a full disk, a read-only database), and
 * the checks afterwards: every answer was a 200 (the referral was stored) or a clear 5xx error (an OperationOutcome
 * on /fhir, problem+json on /vcs), never anything else; once the store takes writes again the gateway does too,
 * without a restart; what was acknowledged, before, during and after, is stored and delivered; the audit log is
 * intact.
 */
final class StoreOutage {

    /** One answer the gateway gave. */
    record Answer(int status, String contentType, String body) {
        boolean success() {
            return status == 200;
        }

        boolean clearServerError() {
            return status >= 500 && status < 600 && (body.contains("\"resourceType\":\"OperationOutcome\"")
                    || contentType.startsWith("application/problem+json"));
        }

        String brief() {
            return status + " " + contentType + " " + (body.length() > 200 ? body.substring(0, 200) : body);
        }
    }

    private final GatewayProcess gateway;
    private final GpSystem gp;
    private final VcsOrganisation vcs;
    private final Receivers receivers;
    private final String service;
    private final Random random = new Random();
    /** Acknowledged referrals: business identifier to ServiceRequest id. */
    final Map<String, String> acknowledged = new LinkedHashMap<>();
    final List<Answer> duringOutage = new ArrayList<>();

    StoreOutage(GatewayProcess gateway, Receivers receivers, Suite.Service service) {
        this.gateway = gateway;
        this.gp = new GpSystem(gateway);
        this.vcs = service.organisation(gateway.baseUrl());
        this.receivers = receivers;
        this.service = service.id();
    }

    private static Answer answer(HttpResponse<String> r) {
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body() == null ? "" : r.body());
    }

    /** Posts a new referral; an acknowledged one is remembered. */
    Answer postReferral() throws Exception {
        String identifier = "REL-STORE-" + UUID.randomUUID();
        Answer a = answer(gp.post("", Suite.referralBundle(identifier, service, random), "application/fhir+json"));
        if (a.success()) {
            acknowledged.put(identifier, Suite.serviceRequestId(a.body()));
        }
        return a;
    }

    /** Posts an event for an acknowledged referral. */
    Answer postEvent(String type) throws Exception {
        String referral = acknowledged.values().iterator().next();
        return answer(vcs.postEvent("{\"type\":\"" + type + "\",\"referralId\":\"" + referral + "\",\"occurredAt\":\"" + Instant.now() + "\"}"));
    }

    /** Some referrals and an event while the store refuses writes; each answer is recorded. */
    void probeDuringOutage(int referrals) throws Exception {
        for (int i = 0; i < referrals; i++) {
            duringOutage.add(postReferral());
        }
        duringOutage.add(postEvent("referral.contacted"));
    }

    /** Waits until the gateway takes a referral again; returns how long that took. */
    Duration awaitRecovery() {
        Instant from = Instant.now();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> postReferral().success());
        return Duration.between(from, Instant.now());
    }

    /** Every answer during the outage was a 200 or a clear 5xx error, and at least one was an error. */
    void assertClearErrors() {
        for (Answer a : duringOutage) {
            assertThat(a.success() || a.clearServerError()).as("answer during the outage: %s", a.brief()).isTrue();
        }
        assertThat(duringOutage.stream().filter(Answer::clearServerError)).as("errors during the outage").isNotEmpty();
    }

    /** Every acknowledged referral is stored once with its Task, and delivered to its service. */
    void assertNothingAcknowledgedLost() throws Exception {
        for (Map.Entry<String, String> r : acknowledged.entrySet()) {
            assertThat(Suite.storedReferrals(gp, r.getKey()).getEntry()).as("referral %s", r.getKey()).hasSize(1);
            assertThat(gp.tasksFor(r.getValue()).getEntry()).hasSize(1);
        }
        java.util.function.Supplier<List<String>> undelivered = () -> acknowledged.values().stream()
                .filter(id -> receivers.hits(h -> h.delivered() && h.webhook() && h.referralId().equals(id)).isEmpty())
                .toList();
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                    .until(() -> undelivered.get().isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException stalled) {
            // delivery made no progress: leave the relay's threads in the gateway's log for whoever reads the failure
            gateway.dumpThreads();
            throw new AssertionError("acknowledged referrals not delivered within 2 minutes: " + undelivered.get()
                    + " (thread dump in the gateway's log)", stalled);
        }
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> {
            for (String id : acknowledged.values()) {
                Task task = (Task) gp.tasksFor(id).getEntryFirstRep().getResource();
                if (!task.hasBusinessStatus()) {
                    return false;
                }
            }
            return true;
        });
    }

    void assertAuditIntact() throws Exception {
        var verification = Operator.igLead(gateway).auditVerification();
        assertThat(verification.path("intact").asBoolean()).as("audit log verification: %s", verification).isTrue();
    }

    Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("referralsAcknowledged", acknowledged.size());
        f.put("requestsDuringOutage", duringOutage.size());
        f.put("acknowledgedDuringOutage", duringOutage.stream().filter(Answer::success).count());
        f.put("clearErrorsDuringOutage", duringOutage.stream().filter(Answer::clearServerError).count());
        f.put("statusesDuringOutage", duringOutage.stream().map(Answer::status).toList());
        return f;
    }
}
