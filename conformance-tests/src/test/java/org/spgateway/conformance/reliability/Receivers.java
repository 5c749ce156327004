package org.spgateway.conformance.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The parties outside the gateway, in one WireMock server on a dynamic port: VCS services' webhook receivers
 * ({@code /vcs/<service>}) and GP systems' FHIR endpoints ({@code /gp/<practice>/fhir}). Each path prefix behaves as
 * the test says (answers, refusals, timeouts, dropped connections), and every request is recorded with what it was
 * answered, so a test can tell a delivery (a 2xx the receiver sent) from an attempt that failed.
 */
final class Receivers implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a receiver does with one request. */
    record Answer(int status, Fault fault, int delayMillis, Map<String, String> headers) {
        static Answer ok() {
            return new Answer(200, null, 0, Map.of());
        }

        static Answer status(int status) {
            return new Answer(status, null, 0, Map.of());
        }

        static Answer tooManyRequests(int retryAfterSeconds) {
            return new Answer(429, null, 0, Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
        }

        /** A 200 that comes after the gateway has stopped waiting (its response timeout is shorter). */
        static Answer late(int delayMillis) {
            return new Answer(200, null, delayMillis, Map.of());
        }

        static Answer drop(Fault fault) {
            return new Answer(0, fault, 0, Map.of());
        }

        boolean success() {
            return fault == null && status >= 200 && status < 300;
        }
    }

    /** How a receiver answers: given the request and how many times this same body has come before. */
    interface Behaviour {
        Answer answer(Hit request, int previousAttempts);

        static Behaviour ok() {
            return (r, n) -> Answer.ok();
        }

        /** The first {@code failures} attempts of each message get {@code failure}, later ones 200. */
        static Behaviour failFirst(int failures, Answer failure) {
            return (r, n) -> n < failures ? failure : Answer.ok();
        }

        /** The n-th attempt of each message gets the n-th answer; after the last, 200. */
        static Behaviour sequence(Answer... answers) {
            return (r, n) -> n < answers.length ? answers[n] : Answer.ok();
        }

        static Behaviour always(Answer answer) {
            return (r, n) -> answer;
        }

        /**
         * A receiver with bad days: each attempt independently gets one of the answers with its weight, from a seeded
         * random source so a run can be repeated.
         */
        static Behaviour random(long seed, Map<Answer, Integer> weights) {
            Random random = new Random(seed);
            List<Answer> table = new ArrayList<>();
            weights.forEach((answer, weight) -> {
                for (int i = 0; i < weight; i++) {
                    table.add(answer);
                }
            });
            return (r, n) -> {
                synchronized (random) {
                    return table.get(random.nextInt(table.size()));
                }
            };
        }
    }

    /**
     * One request as a receiver saw it, with the answer it got.
     *
     * @param order        arrival order across all receivers
     * @param webhookId    the {@code webhook-id} header (webhooks only)
     * @param eventType    the webhook's {@code type}, or the FHIR resource type pushed
     * @param referralId   the webhook's {@code referralId}; for GP pushes, the referral the Task or Observation is about
     * @param resourcePath for GP pushes, e.g. {@code Task/123}
     * @param version      for GP pushes, the resource's {@code meta.versionId}
     * @param businessStatus for Task pushes, the businessStatus code (empty if none)
     */
    record Hit(long order, Instant at, String path, String webhookId, String eventType, String referralId,
               String resourcePath, long version, String businessStatus, String body, Answer answer) {

        boolean delivered() {
            return answer != null && answer.success();
        }

        boolean webhook() {
            return path.startsWith("/vcs/");
        }

        /** The service or practice the request went to. */
        String receiver() {
            String[] parts = path.split("/");
            return parts.length > 2 ? parts[2] : "";
        }
    }

    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<java.util.function.Consumer<Hit>> subscribers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final List<Hit> hits = new ArrayList<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final WireMockServer server;

    Receivers() {
        server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(60).disableRequestJournal()
                .extensions(new Answering()));
        server.start();
        server.stubFor(any(urlPathMatching("/.*")).willReturn(aResponse().withStatus(200)));
    }

    String webhookUrl(String service) {
        return server.baseUrl() + "/vcs/" + service;
    }

    String gpFhirBase(String practice) {
        return server.baseUrl() + "/gp/" + practice + "/fhir";
    }

    /** Sets how the receivers under a path prefix ({@code /vcs/<service>} or {@code /gp/<practice>}) answer from now on. */
    void behave(String prefix, Behaviour behaviour) {
        behaviours.put(prefix, behaviour);
    }

    void behaveNormally(String prefix) {
        behaviours.remove(prefix);
    }

    /** Calls {@code subscriber} with every request from now on, as it arrives, with the answer it is given. */
    void subscribe(java.util.function.Consumer<Hit> subscriber) {
        subscribers.add(subscriber);
    }

    /** Every request so far, in arrival order. */
    List<Hit> hits() {
        synchronized (hits) {
            List<Hit> copy = new ArrayList<>(hits);
            copy.sort(java.util.Comparator.comparingLong(Hit::order));
            return copy;
        }
    }

    List<Hit> hits(Predicate<Hit> which) {
        return hits().stream().filter(which).toList();
    }

    private Behaviour behaviourFor(String path) {
        String best = null;
        for (String prefix : behaviours.keySet()) {
            if (path.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? Behaviour.ok() : behaviours.get(best);
    }

    private Hit describe(ServeEvent event, long order, Answer answer) {
        var request = event.getRequest();
        String path = request.getUrl().replaceAll("\\?.*$", "");
        String body = request.getBodyAsString();
        String webhookId = request.containsHeader("webhook-id") ? request.getHeader("webhook-id") : null;
        String type = "";
        String referral = "";
        String resourcePath = "";
        long version = 0;
        String businessStatus = "";
        try {
            JsonNode json = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
            if (path.startsWith("/vcs/")) {
                type = json.path("type").asText();
                referral = json.path("referralId").asText();
            } else {
                type = json.path("resourceType").asText();
                int fhir = path.indexOf("/fhir/");
                resourcePath = fhir < 0 ? "" : path.substring(fhir + "/fhir/".length());
                version = json.path("meta").path("versionId").asLong(0);
                String about = "Task".equals(type) ? json.path("focus").path("reference").asText()
                        : json.path("basedOn").path(0).path("reference").asText();
                referral = about.startsWith("ServiceRequest/") ? about.substring("ServiceRequest/".length()) : "";
                businessStatus = json.path("businessStatus").path("coding").path(0).path("code").asText("");
            }
        } catch (Exception notJson) {
            // recorded as it came
        }
        return new Hit(order, request.getLoggedDate().toInstant(), path, webhookId, type, referral,
                resourcePath, version, businessStatus, body, answer);
    }

    /**
     * Decides each answer from the path's behaviour, counting attempts per receiver and body, and records the request
     * with its answer as it arrives: an answer the gateway stops waiting for (a timeout) still counts as received, as
     * it would for a real receiver that processed the message.
     */
    private final class Answering implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent event) {
            long order = arrivals.incrementAndGet();
            Hit arriving = describe(event, order, null);
            String key = arriving.path() + "#" + (arriving.webhookId() != null ? arriving.webhookId()
                    : Integer.toHexString(arriving.body().hashCode()));
            int previous = attempts.computeIfAbsent(key, k -> new AtomicInteger()).getAndIncrement();
            Answer answer = behaviourFor(arriving.path()).answer(arriving, previous);
            Hit hit = describe(event, order, answer);
            synchronized (hits) {
                hits.add(hit);
            }
            subscribers.forEach(s -> s.accept(hit));
            ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition();
            if (answer.fault() != null) {
                return response.withFault(answer.fault()).build();
            }
            response.withStatus(answer.status());
            answer.headers().forEach(response::withHeader);
            if (answer.delayMillis() > 0) {
                response.withFixedDelay(answer.delayMillis());
            }
            return response.build();
        }

        @Override
        public String getName() {
            return "spgateway-answering";
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
