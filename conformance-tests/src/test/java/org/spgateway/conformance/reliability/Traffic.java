package org.spgateway.conformance.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.spgateway.conformance.GatewayProcess;
import org.spgateway.conformance.GpSystem;
import org.spgateway.conformance.VcsOrganisation;

/**
 * The load: GP systems posting referrals (transaction Bundles, as the SMART-authenticated demo GP) and a VCS service
 * working through every referral it receives by webhook, event after event, each referral's events in order. Both act
 * as careful real clients do: a request that got no answer (the node died, the database was away) or a 5xx is sent
 * again, unchanged (the same Bundle, the same webhook-id), until it is acknowledged; the gateway's idempotency makes
 * that safe. Everything is recorded, so a test can check that what was acknowledged was stored and delivered.
 * <p>
 * Requests go to the live nodes in turn, as a load balancer would; a node that refuses connections is passed over.
 */
final class Traffic {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The events a service sends for each referral, in order, and the Task business status each leads to. */
    static final List<String> EVENTS = List.of("referral.accepted", "referral.contacted", "referral.appointment-booked",
            "referral.attending", "referral.completed");
    static final Map<String, String> BUSINESS_STATUS = Map.of("referral.accepted", "accepted",
            "referral.contacted", "contacted", "referral.appointment-booked", "first-appointment-booked",
            "referral.attending", "engaged", "referral.completed", "completed");

    /** A gateway node as clients reach it. */
    record Node(GatewayProcess process, GpSystem gp, VcsOrganisation vcs) {
    }

    /** One referral a GP system sends, and what became of it. */
    static final class Referral {
        final String identifier;
        final String bundle;
        volatile String serviceRequestId;
        volatile Instant acknowledgedAt;
        volatile boolean unansweredOnce;
        /** Found stored when looked up before sending it again after getting no answer. */
        volatile boolean storedWithoutAnswer;
        final AtomicInteger attempts = new AtomicInteger();

        Referral(String identifier, String bundle) {
            this.identifier = identifier;
            this.bundle = bundle;
        }

        boolean acknowledged() {
            return acknowledgedAt != null;
        }
    }

    /** One event the service sends, and what became of it. */
    static final class Event {
        final String referralId;
        final String type;
        final String webhookId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        final String body;
        volatile Instant acknowledgedAt;
        volatile boolean unansweredOnce;
        /** The acknowledgement said the event had been applied already (it was, before the answer was lost). */
        volatile boolean acknowledgedAsDuplicate;
        /** Refused with a 4xx: a failure of the test, and the service stops working on the referral. */
        volatile boolean refused;
        final AtomicInteger attempts = new AtomicInteger();

        Event(String referralId, String type, String body) {
            this.referralId = referralId;
            this.type = type;
            this.body = body;
        }

        String businessStatus() {
            return BUSINESS_STATUS.get(type);
        }
    }

    /** The service's view of one referral: the events it has sent so far. */
    private static final class Progress {
        final String referralId;
        final List<Event> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        Progress(String referralId) {
            this.referralId = referralId;
        }

        private Event last() {
            return events.isEmpty() ? null : events.get(events.size() - 1);
        }

        Event pending() {
            Event last = last();
            return last == null || last.acknowledgedAt != null || last.refused ? null : last;
        }

        boolean finished() {
            Event last = last();
            return last != null && (last.refused || (events.size() == EVENTS.size() && last.acknowledgedAt != null));
        }
    }

    private final List<Node> nodes;
    private final Suite.Service service;
    private final Random random;
    private final Map<String, Referral> referrals = Collections.synchronizedMap(new java.util.LinkedHashMap<>());
    private final Queue<Referral> toResend = new ConcurrentLinkedQueue<>();
    private final Map<String, Progress> progress = new ConcurrentHashMap<>();
    /** Referrals the service has received, one queue per service thread (a referral's events come from one thread). */
    private final List<Queue<String>> received = new ArrayList<>();
    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicInteger noAnswer = new AtomicInteger();
    private final AtomicInteger refusedConnections = new AtomicInteger();
    private final AtomicInteger nextNode = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean newReferrals = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private volatile Runnable afterAcknowledgement = () -> { };

    /**
     * @param gpThreads  GP systems posting referrals at once
     * @param vcsThreads the service's threads sending events at once (each referral's events from one of them)
     */
    Traffic(List<Node> nodes, Receivers receivers, Suite.Service service, long seed, int gpThreads, int vcsThreads) {
        this.nodes = nodes;
        this.service = service;
        this.random = new Random(seed);
        this.gpThreads = gpThreads;
        for (int i = 0; i < vcsThreads; i++) {
            received.add(new ConcurrentLinkedQueue<>());
        }
        receivers.subscribe(hit -> {
            if (hit.webhook() && hit.delivered() && hit.receiver().equals(service.id()) && "referral.created".equals(hit.eventType())) {
                received.get(Math.floorMod(hit.referralId().hashCode(), received.size())).add(hit.referralId());
            }
        });
    }

    private final int gpThreads;

    /** Starts the GP systems' and the service's threads. */
    void start() {
        running.set(true);
        for (int i = 0; i < gpThreads; i++) {
            threads.add(new Thread(this::gpLoop, "gp-" + i));
        }
        for (int i = 0; i < received.size(); i++) {
            Queue<String> lane = received.get(i);
            threads.add(new Thread(() -> vcsLoop(lane), "vcs-" + i));
        }
        threads.forEach(Thread::start);
    }

    /** Stops all threads (requests in flight finish or fail first). */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        threads.clear();
    }

    /** From now on GP systems only send again what got no answer; the service still works through its referrals. */
    void stopNewReferrals() {
        newReferrals.set(false);
    }

    /** Runs once after each acknowledgement (referral or event), on the thread that got it. */
    void afterEachAcknowledgement(Runnable action) {
        afterAcknowledgement = action;
    }

    /** Whether every referral and every event sent so far has been acknowledged and the service has nothing left to send. */
    boolean settled() {
        if (!toResend.isEmpty() || received.stream().anyMatch(q -> !q.isEmpty())) {
            return false;
        }
        synchronized (referrals) {
            if (referrals.values().stream().anyMatch(r -> !r.acknowledged() || !progress.containsKey(r.serviceRequestId))) {
                return false;
            }
        }
        return progress.values().stream().allMatch(Progress::finished);
    }

    // ---------------------------------------------------------------------------------------------------- GP side

    private void gpLoop() {
        while (running.get()) {
            Referral referral = toResend.poll();
            if (referral == null && newReferrals.get()) {
                String identifier = "REL-" + UUID.randomUUID();
                String bundle;
                synchronized (random) {
                    bundle = Suite.referralBundle(identifier, service.id(), random);
                }
                referral = new Referral(identifier, bundle);
                referrals.put(identifier, referral);
            }
            if (referral == null) {
                pause(50);
                continue;
            }
            if (!send(referral)) {
                toResend.add(referral);
                pause(200);
            }
        }
    }

    /** @return whether the referral is acknowledged */
    private boolean send(Referral referral) {
        for (int tries = 0; tries < nodes.size(); tries++) {
            Node node = node();
            boolean posting = false;
            try {
                if (referral.unansweredOnce && !referral.storedWithoutAnswer
                        && !Suite.storedReferrals(node.gp(), referral.identifier).getEntry().isEmpty()) {
                    referral.storedWithoutAnswer = true;
                }
                posting = true;
                referral.attempts.incrementAndGet();
                HttpResponse<String> response = node.gp().post("", referral.bundle, "application/fhir+json");
                if (response.statusCode() == 200) {
                    referral.serviceRequestId = Suite.serviceRequestId(response.body());
                    referral.acknowledgedAt = Instant.now();
                    afterAcknowledgement.run();
                    return true;
                }
                return unanswered(referral, node, response);
            } catch (ConnectException down) {
                // this node is not there (nothing was sent): the next one
                if (posting) {
                    referral.attempts.decrementAndGet();
                }
                refusedConnections.incrementAndGet();
            } catch (IOException | IllegalStateException noAnswerNow) {
                // the connection broke mid-request (the node died) or a look-up before the retry failed
                referral.unansweredOnce = true;
                noAnswer.incrementAndGet();
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                refusals.add("referral " + referral.identifier + ": " + e);
                return false;
            }
        }
        return false; // no node took the connection
    }

    private boolean unanswered(Referral referral, Node node, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 401) {
            node.gp().forgetToken(); // e.g. the token was issued before a restart: get another
        } else if (status >= 500 || status == 429) {
            serverErrors.incrementAndGet();
            referral.unansweredOnce = true;
        } else {
            refusals.add("referral " + referral.identifier + " answered " + status + ": " + abbreviate(response.body()));
        }
        return false;
    }

    // --------------------------------------------------------------------------------------------- service side

    private void vcsLoop(Queue<String> lane) {
        List<Progress> mine = new ArrayList<>();
        int turn = 0;
        while (running.get()) {
            String arrived;
            while ((arrived = lane.poll()) != null) {
                if (!progress.containsKey(arrived)) {
                    Progress p = new Progress(arrived);
                    progress.put(arrived, p);
                    mine.add(p);
                }
            }
            mine.removeIf(Progress::finished);
            if (mine.isEmpty()) {
                pause(20);
                continue;
            }
            Progress p = mine.get(Math.floorMod(turn++, mine.size()));
            Event event = p.pending();
            if (event == null) {
                String type = EVENTS.get(p.events.size());
                event = new Event(p.referralId, type, eventBody(type, p.referralId));
                p.events.add(event);
            }
            if (!send(event)) {
                pause(200);
            }
        }
    }

    private static String eventBody(String type, String referralId) {
        String extra = switch (type) {
            case "referral.completed" ->
                    ",\"outcomes\":{\"ons4\":{\"lifeSatisfaction\":7,\"worthwhile\":8,\"happiness\":6,\"anxiety\":3},\"swemwbs\":{\"total\":25}}";
            case "referral.appointment-booked" -> ",\"appointmentAt\":\"" + Instant.now().plus(java.time.Duration.ofDays(7)) + "\"";
            default -> "";
        };
        return "{\"type\":\"" + type + "\",\"referralId\":\"" + referralId + "\",\"occurredAt\":\"" + Instant.now() + "\"" + extra + "}";
    }

    private boolean send(Event event) {
        for (int tries = 0; tries < nodes.size(); tries++) {
            Node node = node();
            try {
                event.attempts.incrementAndGet();
                HttpResponse<String> response = node.vcs().postEvent(event.body, event.webhookId);
                int status = response.statusCode();
                if (status == 200) {
                    event.acknowledgedAsDuplicate = JSON.readTree(response.body()).path("duplicate").asBoolean();
                    event.acknowledgedAt = Instant.now();
                    afterAcknowledgement.run();
                    return true;
                }
                if (status >= 500 || status == 429) {
                    serverErrors.incrementAndGet();
                    event.unansweredOnce = true;
                } else {
                    refusals.add("event " + event.type + " for " + event.referralId + " answered " + status + ": " + abbreviate(response.body()));
                    event.refused = true;
                }
                return false;
            } catch (ConnectException down) {
                // this node is not there (nothing was sent): the next one
                event.attempts.decrementAndGet();
                refusedConnections.incrementAndGet();
            } catch (IOException noAnswerNow) {
                event.unansweredOnce = true;
                noAnswer.incrementAndGet();
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                refusals.add("event " + event.type + " for " + event.referralId + ": " + e);
                event.refused = true;
                return false;
            }
        }
        return false; // no node took the connection
    }

    // ------------------------------------------------------------------------------------------------ results

    private Node node() {
        List<Node> live = nodes.stream().filter(n -> n.process().alive()).toList();
        List<Node> from = live.isEmpty() ? nodes : live;
        return from.get(Math.floorMod(nextNode.getAndIncrement(), from.size()));
    }

    List<Referral> referrals() {
        synchronized (referrals) {
            return new ArrayList<>(referrals.values());
        }
    }

    List<Event> events() {
        List<Event> all = new ArrayList<>();
        for (Progress p : progress.values()) {
            all.addAll(p.events);
        }
        return all;
    }

    /** Answers the gateway should never have given this traffic (4xx other than 401/429). */
    List<String> refusals() {
        return List.copyOf(refusals);
    }

    int serverErrors() {
        return serverErrors.get();
    }

    /** Requests sent whose connection broke before an answer came (a node died, a proxy dropped it). */
    int noAnswer() {
        return noAnswer.get();
    }

    /** Connections no node took (every node down or starting): nothing was sent, the client tried again later. */
    int refusedConnections() {
        return refusedConnections.get();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis); // a client's back-off, not a wait for the system under test
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
