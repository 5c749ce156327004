package org.spgateway.conformance.reliability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.spgateway.conformance.GpSystem;

/**
 * Checks what a {@link Traffic} had acknowledged against what the gateway stored (through its FHIR API) and what the
 * {@link Receivers} were delivered (a 2xx they answered):
 * <ul>
 *   <li>every acknowledged referral is stored once, with its Task, was delivered to the service's webhook and its
 *       Task pushed to the GP endpoint as {@code sent};</li>
 *   <li>every acknowledged event reached the GP endpoint as the Task state it leads to (and the outcome Observation
 *       for a completion), and the stored Task ends in the state of the referral's last event;</li>
 *   <li>each referral's Task versions reached the GP endpoint in order, and a message delivered more than once
 *       always came under the same id (the same webhook-id, the same resource version).</li>
 * </ul>
 */
final class DeliveryCheck {

    /** The outcome, with the figures a report quotes. */
    record Result(Map<String, Object> figures, List<String> lost, List<String> outOfOrder, List<String> underAnotherId,
                  List<String> wrongFinalState, List<String> duplicatedWebhookIds, List<String> duplicatedVersions) {

        boolean clean() {
            return lost.isEmpty() && outOfOrder.isEmpty() && underAnotherId.isEmpty() && wrongFinalState.isEmpty();
        }
    }

    private DeliveryCheck() {
    }

    /** What must reach a receiver, for everything acknowledged so far: key to when it was acknowledged. */
    static Map<String, Instant> expected(Traffic traffic) {
        Map<String, Instant> expected = new LinkedHashMap<>();
        for (Traffic.Referral r : traffic.referrals()) {
            if (r.acknowledged() && r.serviceRequestId != null) {
                expected.put(webhookKey(r.serviceRequestId), r.acknowledgedAt);
                // its Task, in whatever state (it is "sent" unless the service acted before the gateway noted delivery)
                expected.put(gpTaskKey(r.serviceRequestId), r.acknowledgedAt);
            }
        }
        for (Traffic.Event e : traffic.events()) {
            if (e.acknowledgedAt != null) {
                expected.put(gpKey(e.referralId, e.businessStatus()), e.acknowledgedAt);
                if ("referral.completed".equals(e.type)) {
                    expected.put(observationKey(e.referralId), e.acknowledgedAt);
                }
            }
        }
        return expected;
    }

    /** For each delivered message, the first time it was delivered. */
    static Map<String, Instant> firstDeliveries(Receivers receivers, String service) {
        Map<String, Instant> first = new HashMap<>();
        for (Receivers.Hit hit : receivers.hits(Receivers.Hit::delivered)) {
            String key = key(hit, service);
            if (key != null) {
                first.putIfAbsent(key, hit.at());
            }
            if ("Task".equals(hit.eventType()) && !hit.webhook()) {
                first.putIfAbsent(gpTaskKey(hit.referralId()), hit.at());
            }
        }
        return first;
    }

    /** What is acknowledged but not yet delivered. */
    static Set<String> undelivered(Traffic traffic, Receivers receivers, String service) {
        Set<String> missing = new HashSet<>(expected(traffic).keySet());
        missing.removeAll(firstDeliveries(receivers, service).keySet());
        return missing;
    }

    private static String key(Receivers.Hit hit, String service) {
        if (hit.webhook()) {
            return hit.receiver().equals(service) && "referral.created".equals(hit.eventType()) ? webhookKey(hit.referralId()) : null;
        }
        if ("Task".equals(hit.eventType())) {
            return gpKey(hit.referralId(), hit.businessStatus());
        }
        return "Observation".equals(hit.eventType()) ? observationKey(hit.referralId()) : null;
    }

    private static String webhookKey(String referralId) {
        return "webhook referral.created " + referralId;
    }

    private static String gpKey(String referralId, String businessStatus) {
        return "gp Task " + referralId + " " + businessStatus;
    }

    private static String gpTaskKey(String referralId) {
        return "gp Task " + referralId;
    }

    private static String observationKey(String referralId) {
        return "gp Observation " + referralId;
    }

    /** The full check, once the traffic has stopped and deliveries have had time to arrive. */
    static Result check(Traffic traffic, Receivers receivers, String service, GpSystem gp) throws Exception {
        List<String> lost = new ArrayList<>();
        List<String> wrongFinalState = new ArrayList<>();
        List<Traffic.Referral> referrals = traffic.referrals();
        List<Traffic.Event> events = traffic.events();
        Set<String> mine = new HashSet<>();
        Map<String, String> lastEventStatus = new HashMap<>();
        for (Traffic.Event e : events) {
            if (e.acknowledgedAt != null) {
                lastEventStatus.merge(e.referralId, e.businessStatus(), (a, b) -> Traffic.EVENTS.indexOf(eventOf(b))
                        > Traffic.EVENTS.indexOf(eventOf(a)) ? b : a);
            }
        }

        int acknowledged = 0;
        for (Traffic.Referral r : referrals) {
            if (!r.acknowledged()) {
                continue;
            }
            acknowledged++;
            mine.add(r.serviceRequestId);
            Bundle stored = Suite.storedReferrals(gp, r.identifier);
            if (stored.getEntry().size() != 1 || !stored.getEntryFirstRep().getResource().getIdElement().getIdPart().equals(r.serviceRequestId)) {
                lost.add("referral " + r.identifier + " (ServiceRequest/" + r.serviceRequestId + ") acknowledged but stored "
                        + stored.getEntry().size() + " times");
                continue;
            }
            Bundle tasks = gp.tasksFor(r.serviceRequestId);
            if (tasks.getEntry().size() != 1) {
                lost.add("referral " + r.serviceRequestId + " has " + tasks.getEntry().size() + " Tasks");
                continue;
            }
            Task task = (Task) tasks.getEntryFirstRep().getResource();
            String state = task.hasBusinessStatus() ? task.getBusinessStatus().getCodingFirstRep().getCode() : "";
            String want = lastEventStatus.getOrDefault(r.serviceRequestId, "sent");
            if (!state.equals(want) && !(want.equals("sent") && state.isEmpty() && !delivered(receivers, service, r.serviceRequestId))) {
                wrongFinalState.add("referral " + r.serviceRequestId + " Task is " + state + ", its last acknowledged event made it " + want);
            }
        }

        Map<String, Instant> delivered = firstDeliveries(receivers, service);
        for (String key : expected(traffic).keySet()) {
            if (!delivered.containsKey(key)) {
                lost.add("acknowledged, never delivered: " + key);
            }
        }

        // duplicates, order and ids, over what this traffic caused
        List<Receivers.Hit> hits = receivers.hits(h -> mine.contains(h.referralId()));
        List<Receivers.Hit> webhooks = hits.stream().filter(h -> h.webhook() && h.receiver().equals(service)).toList();
        List<Receivers.Hit> pushes = hits.stream().filter(h -> !h.webhook()).toList();
        Map<String, Integer> byWebhookId = new HashMap<>();
        Map<String, Set<String>> idsPerReferral = new HashMap<>();
        for (Receivers.Hit h : webhooks) {
            if (h.delivered()) {
                byWebhookId.merge(h.webhookId(), 1, Integer::sum);
                idsPerReferral.computeIfAbsent(h.referralId() + " " + h.eventType(), k -> new HashSet<>()).add(h.webhookId());
            }
        }
        List<String> underAnotherId = new ArrayList<>();
        idsPerReferral.forEach((message, ids) -> {
            if (ids.size() > 1) {
                underAnotherId.add(message + " delivered under " + ids.size() + " webhook-ids " + ids);
            }
        });
        Map<String, Integer> byVersion = new HashMap<>();
        Map<String, Set<String>> bodiesPerVersion = new HashMap<>();
        Map<String, Long> lastVersion = new HashMap<>();
        List<String> outOfOrder = new ArrayList<>();
        for (Receivers.Hit h : pushes) {
            if (!h.delivered()) {
                continue;
            }
            String version = h.resourcePath() + "/_history/" + h.version();
            byVersion.merge(version, 1, Integer::sum);
            bodiesPerVersion.computeIfAbsent(version, k -> new HashSet<>()).add(h.body());
            Long before = lastVersion.put(h.resourcePath(), Math.max(h.version(), lastVersion.getOrDefault(h.resourcePath(), 0L)));
            if (before != null && h.version() < before) {
                outOfOrder.add(h.resourcePath() + " version " + h.version() + " arrived after version " + before);
            }
        }
        bodiesPerVersion.forEach((version, bodies) -> {
            if (bodies.size() > 1) {
                underAnotherId.add(version + " pushed with " + bodies.size() + " different bodies");
            }
        });

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("referralsSent", referrals.size());
        figures.put("referralRequests", referrals.stream().mapToInt(r -> r.attempts.get()).sum());
        figures.put("referralsAcknowledged", acknowledged);
        figures.put("referralsUnansweredAtLeastOnce", referrals.stream().filter(r -> r.unansweredOnce).count());
        figures.put("referralsStoredThoughUnanswered", referrals.stream().filter(r -> r.storedWithoutAnswer).count());
        figures.put("eventsSent", events.size());
        figures.put("eventRequests", events.stream().mapToInt(e -> e.attempts.get()).sum());
        figures.put("eventsAcknowledged", events.stream().filter(e -> e.acknowledgedAt != null).count());
        figures.put("eventsUnansweredAtLeastOnce", events.stream().filter(e -> e.unansweredOnce).count());
        figures.put("eventsAppliedThoughUnanswered", events.stream().filter(e -> e.acknowledgedAsDuplicate).count());
        figures.put("webhookAttempts", webhooks.size());
        figures.put("webhooksDelivered", webhooks.stream().filter(Receivers.Hit::delivered).count());
        figures.put("webhookDuplicatesSameId", byWebhookId.values().stream().mapToInt(n -> n - 1).sum());
        figures.put("gpPushAttempts", pushes.size());
        figures.put("gpPushesDelivered", pushes.stream().filter(Receivers.Hit::delivered).count());
        figures.put("gpPushDuplicatesSameVersion", byVersion.values().stream().mapToInt(n -> n - 1).sum());
        figures.put("lost", lost.size());
        figures.put("deliveredUnderAnotherId", underAnotherId.size());
        figures.put("outOfOrder", outOfOrder.size());
        figures.put("wrongFinalState", wrongFinalState.size());
        figures.put("serverErrorAnswers", traffic.serverErrors());
        figures.put("requestsWithoutAnswer", traffic.noAnswer());
        figures.put("connectionsRefusedWhileDown", traffic.refusedConnections());
        List<String> duplicatedWebhookIds = byWebhookId.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        List<String> duplicatedVersions = byVersion.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        return new Result(figures, lost, outOfOrder, underAnotherId, wrongFinalState, duplicatedWebhookIds, duplicatedVersions);
    }

    private static boolean delivered(Receivers receivers, String service, String referralId) {
        return firstDeliveries(receivers, service).containsKey(webhookKey(referralId));
    }

    private static String eventOf(String businessStatus) {
        return Traffic.BUSINESS_STATUS.entrySet().stream().filter(e -> e.getValue().equals(businessStatus))
                .map(Map.Entry::getKey).findFirst().orElse("");
    }
}
