package org.spgateway.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The parties outside the gateway, on one local HTTP server: a push-mode VCS service ({@code /vcs/webhook}) that checks
 * each webhook's Standard Webhooks signature, records when it arrived and answers by posting {@code referral.accepted}
 * back to the gateway; and the practice's GP FHIR server ({@code /gp/fhir/...}) that records when each Task push arrives.
 */
final class Receivers implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final String secret = "whsec_" + Base64.getEncoder().encodeToString("bench-vcs-secret-0123456789ab".getBytes(StandardCharsets.UTF_8));
    final String serviceId = "bench-link-workers";
    /** referral id -> nanoTime the signed webhook was received */
    final Map<String, Long> webhookAt = new ConcurrentHashMap<>();
    /** referral id -> nanoTime the accepted event was posted */
    final Map<String, Long> eventPostedAt = new ConcurrentHashMap<>();
    /** referral id -> nanoTime the GP push of the accepted Task arrived */
    final Map<String, Long> acceptedPushAt = new ConcurrentHashMap<>();
    final AtomicLong badSignatures = new AtomicLong();
    final AtomicLong gpPushes = new AtomicLong();
    final AtomicLong eventFailures = new AtomicLong();
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private volatile String gatewayBase;
    private volatile boolean sendEvents = true;

    Receivers() throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 256);
        server.setExecutor(handlers);
        server.createContext("/vcs/webhook", this::webhook);
        server.createContext("/gp/fhir", this::gpPush);
        server.start();
    }

    String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    void gateway(String base, boolean events) {
        this.gatewayBase = base;
        this.sendEvents = events;
    }

    private void webhook(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        byte[] body = exchange.getRequestBody().readAllBytes();
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
        String signature = exchange.getRequestHeaders().getFirst("webhook-signature");
        if (id == null || timestamp == null || signature == null || !verifies(id, timestamp, signature, body)) {
            badSignatures.incrementAndGet();
            answer(exchange, 401);
            return;
        }
        JsonNode payload = JSON.readTree(body);
        answer(exchange, 200);
        if ("referral.created".equals(payload.path("type").asText())) {
            String referral = payload.path("referralId").asText();
            webhookAt.putIfAbsent(referral, at);
            if (sendEvents && gatewayBase != null) {
                postAccepted(referral);
            }
        }
    }

    private void gpPush(HttpExchange exchange) throws IOException {
        long at = System.nanoTime();
        byte[] body = exchange.getRequestBody().readAllBytes();
        answer(exchange, 200);
        gpPushes.incrementAndGet();
        JsonNode resource = JSON.readTree(body);
        if ("Task".equals(resource.path("resourceType").asText()) && "accepted".equals(resource.path("status").asText())) {
            String focus = resource.path("focus").path("reference").asText();
            if (focus.startsWith("ServiceRequest/")) {
                acceptedPushAt.putIfAbsent(focus.substring("ServiceRequest/".length()), at);
            }
        }
    }

    private void postAccepted(String referral) {
        try {
            String json = "{\"type\":\"referral.accepted\",\"referralId\":\"" + referral + "\",\"occurredAt\":\"" + Instant.now() + "\"}";
            String webhookId = "evt_" + UUID.randomUUID();
            String timestamp = Long.toString(Instant.now().getEpochSecond());
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            eventPostedAt.put(referral, System.nanoTime());
            http.sendAsync(HttpRequest.newBuilder(URI.create(gatewayBase + "/vcs/v1/events"))
                    .header("Content-Type", "application/json").header("webhook-organisation", serviceId)
                    .header("webhook-id", webhookId).header("webhook-timestamp", timestamp)
                    .header("webhook-signature", sign(webhookId, timestamp, bytes))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        if (e != null || r.statusCode() != 200) {
                            eventFailures.incrementAndGet();
                        }
                    });
        } catch (Exception e) {
            eventFailures.incrementAndGet();
        }
    }

    private boolean verifies(String id, String timestamp, String header, byte[] body) {
        try {
            byte[] expected = Base64.getDecoder().decode(sign(id, timestamp, body).substring(3));
            for (String part : header.split(" ")) {
                if (part.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(part.substring(3)))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private String sign(String id, String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    private static void answer(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
