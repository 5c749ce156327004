package org.spgateway.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.support.HostileTraffic;
import org.spgateway.gateway.support.SmartClient;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The rate limit over HTTP with a deliberately low setting (burst 3, 1 a second). Each test speaks from its own
 * loopback address (127.0.0.x), so each is a separate client by address, as separate machines would be.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}",
                "spgateway.rate-limit.requests-per-second=1", "spgateway.rate-limit.burst=3"})
class RateLimitIT {

    private static final int BURST = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WALKING_GROUP = "vcs-walking-group";
    private static final String WALKING_GROUP_SECRET = "whsec_ZGVtby13YWxraW5nLWdyb3VwLXNlY3JldC0xMjM0NTY3OA==";

    @Value("${local.server.port}")
    int port;

    record Answer(int status, Map<String, String> headers, String body) {
    }

    /** One HTTP/1.0 request from the given local address (HTTP/1.0: one request per connection, no chunking). */
    private Answer send(String from, String method, String path, Map<String, String> headers) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(15_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.0\r\nHost: localhost\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> answerHeaders = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                answerHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), answerHeaders, text.substring(end + 4));
        }
    }

    private Answer get(String from, String path) throws Exception {
        return send(from, "GET", path, Map.of("Accept", "application/fhir+json"));
    }

    /** A GET of the inbox signed by the organisation (an inbox GET signs the empty body). */
    private Answer signedInbox(String from, String organisation, String secret) throws Exception {
        String id = "msg_" + UUID.randomUUID();
        long now = Instant.now().getEpochSecond();
        return send(from, "GET", "/vcs/v1/inbox", Map.of("webhook-organisation", organisation, "webhook-id", id,
                "webhook-timestamp", Long.toString(now),
                "webhook-signature", StandardWebhooks.signV1(secret, id, now, new byte[0])));
    }

    /** Sends until refused; the whole burst must get through first. Returns the refusal. */
    private Answer exhaust(java.util.concurrent.Callable<Answer> request) throws Exception {
        return exhaust(request, BURST);
    }

    /** Sends until refused; the first {@code allowed} requests must get through. Returns the refusal. */
    private Answer exhaust(java.util.concurrent.Callable<Answer> request, int allowed) throws Exception {
        for (int i = 0; i < allowed; i++) {
            assertThat(request.call().status()).as("request %d of the burst", i + 1).isNotEqualTo(429);
        }
        // refill is 1 a second, so a slow machine may earn a token or two while these run: allow for it
        for (int i = 0; i < 5; i++) {
            Answer answer = request.call();
            if (answer.status() == 429) {
                return answer;
            }
        }
        throw new AssertionError("never refused");
    }

    private Answer get(String from, String path, String authorization) throws Exception {
        return send(from, "GET", path, Map.of("Accept", "application/fhir+json", "Authorization", authorization));
    }

    @Test
    void aFhirClientPastItsBurstGets429WithRetryAfterAndAnOperationOutcomeWhereverItCallsFrom() throws Exception {
        String testGp = SmartClient.testGp(port).authorization();
        String otherGp = SmartClient.of(port, "other-gp", "other-gp-ec-1", "system/Patient.read").authorization();
        Answer refused = exhaust(() -> get("127.0.0.2", "/fhir/Patient/does-not-exist", testGp));
        assertThat(refused.headers().get("retry-after")).isEqualTo("1");
        assertThat(refused.headers().get("content-type")).startsWith("application/fhir+json");
        OperationOutcome outcome = FhirContext.forR4Cached().newJsonParser().parseResource(OperationOutcome.class, refused.body());
        assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.THROTTLED);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("retry after 1 second");
        // the client's allowance is its own wherever it calls from...
        assertThat(get("127.0.0.3", "/fhir/Patient/does-not-exist", testGp).status()).isEqualTo(429);
        // ...and another client, even from the same address, is unaffected
        assertThat(get("127.0.0.2", "/fhir/Patient/does-not-exist", otherGp).status()).isEqualTo(404);
        // the refused one is let in again once it has waited as told
        Thread.sleep(1000L * Long.parseLong(refused.headers().get("retry-after")));
        assertThat(get("127.0.0.2", "/fhir/Patient/does-not-exist", testGp).status()).isEqualTo(404);
    }

    @Test
    void aFloodOfMissingOrForgedTokensIsThrottledByAddressBeforeAuthentication() throws Exception {
        Answer refused = exhaust(() -> get("127.0.0.9", "/fhir/Patient/x", "Bearer forged.token.value"));
        assertThat(refused.headers().get("retry-after")).isEqualTo("1");
        assertThat(refused.headers().get("content-type")).startsWith("application/fhir+json");
        Answer anonymous = get("127.0.0.9", "/fhir/Patient/x");
        assertThat(anonymous.status()).as("no token from the same address: the same allowance").isEqualTo(429);
        // until then each was answered 401, and a valid token from that address has its own allowance
        assertThat(get("127.0.0.10", "/fhir/Patient/x", "Bearer forged.token.value").status()).isEqualTo(401);
        String otherGp = SmartClient.of(port, "other-gp", "other-gp-ec-1", "system/Patient.read").authorization();
        assertThat(get("127.0.0.9", "/fhir/Patient/does-not-exist", otherGp).status()).isEqualTo(404);
    }

    @Test
    void onVcsAndOauthTheRefusalIsProblemJson() throws Exception {
        for (String path : new String[] {"/vcs/v1/inbox", "/oauth/token"}) {
            Answer refused = exhaust(() -> get("127.0.0.4", path));
            assertThat(refused.headers().get("retry-after")).isEqualTo("1");
            assertThat(refused.headers().get("content-type")).startsWith("application/problem+json");
            JsonNode problem = JSON.readTree(refused.body());
            assertThat(problem.path("status").asInt()).isEqualTo(429);
            assertThat(problem.path("type").asText()).endsWith("/rate-limited");
            Thread.sleep(1000L * BURST);
        }
    }

    @Test
    void aSigningOrganisationHasItsOwnAllowanceWhereverItCallsFrom() throws Exception {
        // the address's allowance is spent by unsigned requests...
        exhaust(() -> get("127.0.0.5", "/vcs/v1/inbox"));
        // ...but a request signed by an organisation counts against the organisation, not the address
        assertThat(signedInbox("127.0.0.5", HostileTraffic.ORG, HostileTraffic.SECRET).status()).isEqualTo(200);
        // spending the rest of the organisation's allowance, from other addresses...
        java.util.concurrent.atomic.AtomicInteger address = new java.util.concurrent.atomic.AtomicInteger(10);
        Answer refused = exhaust(() -> signedInbox("127.0.0." + address.incrementAndGet(), HostileTraffic.ORG,
                HostileTraffic.SECRET), BURST - 1);
        assertThat(refused.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(refused.headers().get("retry-after")).isEqualTo("1");
        // ...leaves other organisations, and claims that do not verify, alone
        assertThat(signedInbox("127.0.0.6", WALKING_GROUP, WALKING_GROUP_SECRET).status()).isEqualTo(200);
        assertThat(signedInbox("127.0.0.8", HostileTraffic.ORG, WALKING_GROUP_SECRET).status()).isEqualTo(401);
    }
}
