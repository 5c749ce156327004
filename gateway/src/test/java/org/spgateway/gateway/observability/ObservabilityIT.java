package org.spgateway.gateway.observability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.spgateway.gateway.security.Accounts;
import org.spgateway.gateway.support.Logins;
import org.spgateway.gateway.support.SmartClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What operators get: the X-Request-Id taken in (or generated when
 * missing or unsafe), returned, on every log line of the request and of the deliveries it causes, and sent on to the
 * receiver; Prometheus metrics for delivery latency (a histogram), retries, dead letters and consent holds; and no
 * patient data in any log line, including the failure and retry paths and searches by NHS number.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spgateway.data-dir=./target/it-data/${random.uuid}",
        "logging.structured.format.console=ecs",  // applies when this is the JVM's first context (see lines())
        "spgateway.delivery.poll-interval=100ms",
        "spgateway.delivery.retry-schedule=200ms,200ms",
        "spgateway.delivery.jitter=0"})
@ExtendWith(OutputCaptureExtension.class)
class ObservabilityIT {

    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("observability-it-secret-012345".getBytes());

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry registry) {
        int i = 0;
        for (String name : List.of("ok", "flaky", "bad")) {
            String p = "spgateway.directory.services[" + i++ + "].";
            registry.add(p + "id", () -> "push-" + name);
            registry.add(p + "name", () -> "Push " + name);
            registry.add(p + "role", () -> "link-worker-service");
            registry.add(p + "delivery", () -> "push");
            registry.add(p + "webhook-url", () -> receiver.baseUrl() + "/hooks/" + name);
            registry.add(p + "signing-secrets[0]", () -> SECRET);
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    Accounts.DemoAccounts demo;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void receivers() {
        receiver.stubFor(post(urlPathEqualTo("/hooks/ok")).willReturn(aResponse().withStatus(204)));
        receiver.stubFor(post(urlPathEqualTo("/hooks/flaky")).willReturn(aResponse().withStatus(503)));
        receiver.stubFor(post(urlPathEqualTo("/hooks/bad")).willReturn(aResponse().withStatus(400)));
    }

    private HttpResponse<String> referral(String service, boolean withConsent, String requestId) throws Exception {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(5).getResource();
        sr.getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        sr.addPerformer(new Reference("Organization/" + service));
        // a patient of its own, so one referral's consent does not release another's
        bundle.getEntry().get(0).getRequest().setIfNoneExist(null);
        ((org.hl7.fhir.r4.model.Patient) bundle.getEntry().get(0).getResource()).getIdentifier().clear();
        if (!withConsent) {
            bundle.getEntry().remove(4);
            sr.getSupportingInfo().clear();
        }
        HttpRequest.Builder request = SmartClient.testGp(port).authorize(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/fhir"))).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(CTX.newJsonParser().encodeResourceToString(bundle)));
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    private static String referralId(HttpResponse<String> response) {
        return CTX.newJsonParser().parseResource(Bundle.class, response.body()).getEntry().get(5).getResponse().getLocation()
                .split("/")[1];
    }

    /** One captured log line: its request id and message, from a JSON line or a human-readable one. */
    private record Line(String requestId, String message) {
    }

    /**
     * The log lines captured so far. Logback is configured once per JVM by the first test context, so this context's
     * JSON format applies only when it is the first: both forms are read (the conformance tests' StructuredLogsIT
     * checks the JSON form on the packaged gateway, which owns its JVM).
     */
    private static List<Line> lines(CapturedOutput output) {
        List<Line> lines = new ArrayList<>();
        Pattern plain = Pattern.compile("^\\S+\\s+\\w+ \\d+ --- \\[[^]]*\\] \\[[^]]*\\] \\[([^]]*)\\] \\S+\\s+: (.*)$");
        for (String line : output.getOut().split("\\R")) {
            if (line.startsWith("{")) {
                try {
                    JsonNode json = JSON.readTree(line);
                    lines.add(new Line(json.path("requestId").asText(""), json.path("message").asText()));
                } catch (Exception notJson) {
                    // a line of another writer that happens to start with a brace
                }
            } else {
                Matcher m = plain.matcher(line);
                if (m.matches()) {
                    lines.add(new Line(m.group(1), m.group(2)));
                }
            }
        }
        return lines;
    }

    private List<LoggedRequest> webhooksFor(String name, String referral) throws Exception {
        List<LoggedRequest> mine = new ArrayList<>();
        for (LoggedRequest r : receiver.findAll(postRequestedFor(urlPathEqualTo("/hooks/" + name)))) {
            if (JSON.readTree(r.getBodyAsString()).at("/referralId").asText().equals(referral)) {
                mine.add(r);
            }
        }
        return mine;
    }

    @Test
    void aRequestIdIsReturnedLoggedOnEveryLineAndCarriedIntoTheWebhookItCauses(CapturedOutput output) throws Exception {
        String id = "gp-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> response = referral("push-ok", true, id);
        assertThat(response.headers().firstValue("X-Request-Id")).contains(id);
        String referral = referralId(response);

        await().atMost(Duration.ofSeconds(20)).until(() -> !webhooksFor("ok", referral).isEmpty());
        assertThat(webhooksFor("ok", referral).get(0).getHeader("X-Request-Id")).as("passed on to the receiver").isEqualTo(id);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Line> mine = lines(output).stream().filter(l -> id.equals(l.requestId())).toList();
            assertThat(mine).as("the access line of the request").anyMatch(l -> l.message().startsWith("POST /fhir 200"));
            assertThat(mine).as("the delivery it caused logs under the same id").anyMatch(l -> l.message()
                    .contains("delivered to push-ok"));
        });
        // every line logged about this request or its delivery carries the id
        String webhookId = webhooksFor("ok", referral).get(0).getHeader("webhook-id");
        assertThat(lines(output)).filteredOn(l -> l.message().contains(referral) || l.message().contains(webhookId))
                .isNotEmpty().allSatisfy(l -> assertThat(l.requestId()).isEqualTo(id));

        // none offered, or one that is unsafe to log: a new one
        for (String offered : new String[] {null, "x".repeat(65), "has spaces", "quote\"brace{", "colon:s"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/metadata"));
            if (offered != null) {
                request.header("X-Request-Id", offered);
            }
            String answered = http.send(request.build(), HttpResponse.BodyHandlers.ofString()).headers()
                    .firstValue("X-Request-Id").orElseThrow();
            assertThat(answered).as("offered %s", offered).isNotEqualTo(offered)
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        }
        // refusals before any controller carry it too
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ig/v1/audit"))
                .header("X-Request-Id", "probe-1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("X-Request-Id")).contains("probe-1");
    }

    private String prometheus() throws Exception {
        return http.send(Logins.request(port, "/actuator/prometheus", demo)
                .header("Authorization", Logins.basic("operator", demo.passwords().get("operator"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum of every series of a metric whose labels contain {@code labels}. */
    private static double sum(String exposition, String metric, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})? ([0-9.Ee+-]+)$").matcher(exposition);
        double total = 0;
        boolean found = false;
        while (m.find()) {
            if (m.group(1) == null ? labels.isEmpty() : m.group(1).contains(labels)) {
                total += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        assertThat(found).as("%s{%s} is exposed", metric, labels).isTrue();
        return total;
    }

    @Test
    void prometheusHasTheLatencyHistogramRetriesDeadLettersAndConsentHolds() throws Exception {
        String before = prometheus();
        double holds = sum(before, "spgateway_referrals_consent_holds", "");
        referral("push-ok", false, null);
        referral("push-ok", true, null);
        referral("push-flaky", true, null);
        referral("push-bad", true, null);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = prometheus();
            assertThat(sum(metrics, "spgateway_referrals_consent_holds", "")).as("the referral without consent is held")
                    .isEqualTo(holds + 1);
            assertThat(sum(metrics, "spgateway_delivery_latency_seconds_bucket", "le=\"+Inf\"")).isGreaterThanOrEqualTo(1);
            assertThat(sum(metrics, "spgateway_delivery_latency_seconds_bucket", "le=\"3600.0\"")).isGreaterThanOrEqualTo(1);
            assertThat(sum(metrics, "spgateway_delivery_latency_seconds_count", "channel=\"vcs-webhook\"")).isGreaterThanOrEqualTo(1);
            assertThat(sum(metrics, "spgateway_delivery_retried_total", "channel=\"vcs-webhook\"")).as("503s are retried")
                    .isGreaterThanOrEqualTo(2);
            assertThat(sum(metrics, "spgateway_delivery_dead_total", "channel=\"vcs-webhook\"")).as("the 400 and the"
                    + " exhausted 503s are dead letters").isGreaterThanOrEqualTo(2);
            assertThat(sum(metrics, "spgateway_delivery_dead_letters", "")).isGreaterThanOrEqualTo(2);
        });
    }

    @Test
    void noPatientDataReachesTheLogOnAnyPathIncludingFailuresRetriesAndSearches(CapturedOutput output) throws Exception {
        referral("push-flaky", true, null);
        referral("push-bad", true, null);
        referral("push-ok", false, null);
        var token = SmartClient.testGp(port);
        for (String search : new String[] {"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C9000000009",
                "Patient?name=Margaret", "Patient?address-postalcode=LS6%202AB", "Patient/does-not-exist"}) {
            http.send(token.authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/" + search))).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        // an invalid resource that quotes patient data: the 422 names the element, the log names nothing of it
        String bad = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Smith\",\"given\":[\"Margaret\"]}],"
                + "\"birthDate\":\"1948-13-45\",\"telecom\":[{\"system\":\"phone\",\"value\":\"07700 900123\"}]}";
        http.send(token.authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Patient")))
                .header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(bad)).build(),
                HttpResponse.BodyHandlers.ofString());
        http.send(Logins.request(port, "/ig/v1/audit?nhsNumber=" + URLEncoder.encode("9000000009", StandardCharsets.UTF_8), demo)
                .build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> output.getOut().contains("retries exhausted")
                && output.getOut().contains("HTTP 400 refused"));
        assertThat(output.getAll()).as("the failures were logged, by message id and service").contains("to push-flaky dead-lettered")
                .contains("to push-bad dead-lettered");
        assertThat(output.getAll()).doesNotContain("9000000009", "900 000 0009", "Margaret", "Peggy", "Smith", "LS6 2",
                "LS6%202", "07700 900123", "07700900123", "peggy.smith@example.org", "bereaved", "1948-");
    }
}
