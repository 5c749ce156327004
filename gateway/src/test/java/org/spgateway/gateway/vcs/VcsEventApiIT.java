package org.spgateway.gateway.vcs;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The VCS events endpoint over HTTP: signatures, replay window, organisation, problem+json answers. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
class VcsEventApiIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORG = "vcs-leeds-link-workers";
    // the demo directory's secret for that service (application.yml)
    private static final String SECRET = "whsec_ZGVtby1saW5rLXdvcmtlcnMtc2VjcmV0LTEyMzQ1Ng==";

    @Value("${local.server.port}")
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newHttpClient();
    private IGenericClient client;

    @BeforeEach
    void client() {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(org.spgateway.gateway.support.SmartClient.testGp(port).hapi());
    }

    private String referral() throws Exception {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        return client.transaction().withBundle(bundle).execute().getEntry().get(5).getResource().getIdElement().getIdPart();
    }

    private HttpResponse<String> send(String org, String id, long timestamp, String signature, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/vcs/v1/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (org != null) {
            request.header("webhook-organisation", org);
        }
        request.header("webhook-id", id).header("webhook-timestamp", Long.toString(timestamp)).header("webhook-signature", signature);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> signedPost(String id, String body) throws Exception {
        long now = Instant.now().getEpochSecond();
        return send(ORG, id, now, StandardWebhooks.signV1(SECRET, id, now, body.getBytes(StandardCharsets.UTF_8)), body);
    }

    private static String accepted(String referral) {
        return "{\"type\":\"referral.accepted\",\"referralId\":\"" + referral + "\",\"occurredAt\":\"" + Instant.now() + "\"}";
    }

    @Test
    void aSignedEventMovesTheTaskAndARepeatIsAppliedOnce() throws Exception {
        String referral = referral();
        HttpResponse<String> first = signedPost("msg_one", accepted(referral));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).at("/taskStatus").asText()).isEqualTo("accepted");
        HttpResponse<String> again = signedPost("msg_one", accepted(referral));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).at("/duplicate").asBoolean()).isTrue();
        Task task = (Task) client.search().forResource(Task.class).where(Task.FOCUS.hasId("ServiceRequest/" + referral))
                .returnBundle(Bundle.class).execute().getEntryFirstRep().getResource();
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
    }

    @Test
    void aWrongSignatureIs401ProblemJson() throws Exception {
        String referral = referral();
        long now = Instant.now().getEpochSecond();
        String body = accepted(referral);
        HttpResponse<String> response = send(ORG, "msg_bad", now, StandardWebhooks.signV1(SECRET, "msg_bad", now,
                (body + " ").getBytes(StandardCharsets.UTF_8)), body);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.at("/status").asInt()).isEqualTo(401);
        assertThat(problem.at("/detail").asText()).contains("signature");
        assertThat(jdbc.queryForList("SELECT details FROM audit_record WHERE event_type = 'auth.failed'", String.class))
                .anyMatch(d -> d.contains(ORG) && d.contains("signature"));
    }

    @Test
    void anExpiredTimestampIsRefused() throws Exception {
        String referral = referral();
        long old = Instant.now().minusSeconds(600).getEpochSecond();
        String body = accepted(referral);
        HttpResponse<String> response = send(ORG, "msg_old", old,
                StandardWebhooks.signV1(SECRET, "msg_old", old, body.getBytes(StandardCharsets.UTF_8)), body);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).at("/detail").asText()).contains("webhook-timestamp");
    }

    @Test
    void anotherOrganisationSigningWithItsOwnSecretCannotTouchTheReferral() throws Exception {
        String referral = referral();
        long now = Instant.now().getEpochSecond();
        String body = accepted(referral);
        String walkingGroupSecret = "whsec_ZGVtby13YWxraW5nLWdyb3VwLXNlY3JldC0xMjM0NTY3OA==";
        HttpResponse<String> response = send("vcs-walking-group", "msg_other", now,
                StandardWebhooks.signV1(walkingGroupSecret, "msg_other", now, body.getBytes(StandardCharsets.UTF_8)), body);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).at("/type").asText()).endsWith("unknown-referral");
    }

    @Test
    void anUnknownOrganisationIs401() throws Exception {
        long now = Instant.now().getEpochSecond();
        HttpResponse<String> response = send("nobody", "msg_x", now, StandardWebhooks.signV1(SECRET, "msg_x", now, "{}".getBytes()), "{}");
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void malformedJsonIsAProblemNot500() throws Exception {
        HttpResponse<String> response = signedPost("msg_broken", "{\"type\": \"referral.accepted\",");
        assertThat(response.statusCode()).isBetween(400, 422);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    }
}
