package org.spgateway.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.spgateway.gateway.security.SmartTokens;

/**
 * The gateway as the demo GP system sees it, over real HTTP: a SMART Backend Services token, then FHIR reads. Used
 * by the demo seeder (to send the example referral) and the demo VCS inbox (to show the Task the GP would see).
 */
final class DemoGpView {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SmartTokens tokens;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;
    private Instant tokenExpires = Instant.EPOCH;

    DemoGpView(SmartTokens tokens) {
        this.tokens = tokens;
    }

    /** A fresh or cached access token of the demo GP system, or empty when it is not registered. */
    synchronized Optional<String> token(String base) throws IOException, InterruptedException {
        if (token != null && Instant.now().isBefore(tokenExpires)) {
            return Optional.of(token);
        }
        String assertion = tokens.demoAssertion(base + "/oauth/token");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_assertion_type="
                        + "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" + assertion
                        + "&scope=system%2F*.read%20system%2F*.write")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        JsonNode answer = JSON.readTree(response.body());
        token = answer.path("access_token").asText();
        tokenExpires = Instant.now().plusSeconds(Math.max(10, answer.path("expires_in").asLong(60) - 30));
        return Optional.of(token);
    }

    /** The referral's Task as {@code GET /fhir/Task?focus=ServiceRequest/<id>} returns it, or empty. */
    Optional<JsonNode> task(String base, String referralId) throws IOException, InterruptedException {
        Optional<String> bearer = token(base);
        if (bearer.isEmpty()) {
            return Optional.empty();
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/fhir/Task?focus=ServiceRequest/"
                        + referralId)).header("Authorization", "Bearer " + bearer.get()).header("Accept", "application/fhir+json")
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        JsonNode entry = JSON.readTree(response.body()).path("entry").path(0).path("resource");
        return entry.isMissingNode() ? Optional.empty() : Optional.of(entry);
    }
}
