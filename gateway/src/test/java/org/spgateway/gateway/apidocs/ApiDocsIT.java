package org.spgateway.gateway.apidocs;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.spgateway.gateway.delivery.OutboxStore;
import org.spgateway.gateway.security.Accounts;
import org.spgateway.gateway.support.Browser;
import org.spgateway.gateway.support.Logins;
import org.spgateway.gateway.support.SmartClient;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.spgateway.mappings.OutboundVcsEvents;
import org.spgateway.mappings.VcsEventType;
import org.spgateway.mappings.VcsSchemas;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The OpenAPI document is generated from the code and tells the truth: every JSON API endpoint Spring serves is in
 * it with a summary and a typed answer (so a new endpoint without docs fails here), every documented operation's
 * real answers match their schemas with no undocumented field, every event the gateway sends or accepts has its
 * published JSON Schema, and the browsable UI renders under the page's Content-Security-Policy.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
class ApiDocsIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORG = "vcs-leeds-link-workers";
    private static final String SECRET = "whsec_ZGVtby1saW5rLXdvcmtlcnMtc2VjcmV0LTEyMzQ1Ng==";

    /**
     * Endpoints of @RestControllers that are not part of the JSON APIs this document describes, each with its reason.
     */
    private static final Map<String, String> NOT_IN_THE_DOCUMENT = Map.of(
            "/oauth/token", "the SMART Backend Services token endpoint for GP systems: docs/gp-integration.md and /fhir/metadata",
            "/error", "Spring's error fallback (LastResortErrorController)",
            "/demo/vcs/webhook", "the demo VCS inbox's receiver, demo profile only: it plays a charity's server",
            "/conformance/package.tgz", "the FHIR NPM package of the gateway's profiles for GP systems (a download, not a JSON"
                    + " API): docs/gp-integration.md and the CapabilityStatement's implementationGuide");

    @Value("${local.server.port}")
    int port;

    @Autowired
    Accounts.DemoAccounts demo;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    OutboxStore outbox;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @TempDir
    Path profile;

    private final HttpClient http = HttpClient.newHttpClient();
    private IGenericClient client;
    private OpenApiContract contract;

    @BeforeEach
    void setUp() throws Exception {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CTX.newRestfulGenericClient(base() + "/fhir");
        client.registerInterceptor(SmartClient.testGp(port).hapi());
        HttpResponse<String> doc = http.send(HttpRequest.newBuilder(URI.create(base() + "/v3/api-docs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(doc.statusCode()).as("the document is open to anyone").isEqualTo(200);
        Set<String> generated = new HashSet<>();
        for (Class<?> model : ApiModels.class.getDeclaredClasses()) {
            io.swagger.v3.oas.annotations.media.Schema schema = model.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
            generated.add(schema == null || schema.name().isEmpty() ? model.getSimpleName() : schema.name());
        }
        contract = new OpenApiContract(JSON.readTree(doc.body()), generated);
    }

    private String base() {
        return "http://localhost:" + port;
    }

    /** Every handler method of a @RestController: "METHOD /path". */
    private Set<String> restEndpoints() {
        Set<String> endpoints = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            Class<?> type = e.getValue().getBeanType();
            if (!type.isAnnotationPresent(RestController.class) || type.getPackageName().startsWith("org.springdoc")) {
                // not a @RestController (web pages), or the document's own endpoints
                continue;
            }
            for (String pattern : e.getKey().getPatternValues()) {
                if (NOT_IN_THE_DOCUMENT.containsKey(pattern)) {
                    continue;
                }
                assertThat(e.getKey().getMethodsCondition().getMethods()).as("%s names its HTTP method", pattern).isNotEmpty();
                e.getKey().getMethodsCondition().getMethods().forEach(m -> endpoints.add(m.name() + " " + pattern));
            }
        }
        return endpoints;
    }

    private Set<String> documentedEndpoints() {
        Set<String> documented = new TreeSet<>();
        contract.document().path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return documented;
    }

    @Test
    void everyJsonApiEndpointIsDocumentedWithASummaryAndATypedAnswer() {
        Set<String> endpoints = restEndpoints();
        assertThat(endpoints).as("the handler mappings were read").contains("POST /vcs/v1/events", "GET /ig/v1/audit",
                "GET /operator/dead-letters");
        assertThat(documentedEndpoints()).as("the OpenAPI document lists exactly the JSON API endpoints Spring serves")
                .isEqualTo(endpoints);
        for (String endpoint : endpoints) {
            String[] parts = endpoint.split(" ");
            JsonNode operation = contract.operation(parts[0], parts[1]);
            assertThat(operation.path("summary").asText()).as("%s has a summary", endpoint).isNotBlank();
            assertThat(operation.path("tags")).as("%s is tagged with its audience", endpoint).isNotEmpty();
            // 200, or 202 for an operation that starts work in the background
            JsonNode responses = operation.path("responses");
            JsonNode ok = (responses.has("200") ? responses.path("200") : responses.path("202")).path("content");
            assertThat(ok.isObject()).as("%s documents its 200 (or 202) answer's content", endpoint).isTrue();
            ok.fields().forEachRemaining(media -> {
                if (media.getKey().equals("application/json")) {
                    assertThat(media.getValue().at("/schema/$ref").asText())
                            .as("%s: its JSON answer names a schema (a String return type alone documents nothing)", endpoint)
                            .startsWith("#/components/schemas/");
                }
            });
            assertThat(operation.path("responses").path("default").at("/content/application~1problem+json/schema/$ref").asText())
                    .as("%s: errors are problem+json", endpoint).isEqualTo("#/components/schemas/Problem");
            boolean people = parts[1].startsWith("/ig/") || parts[1].startsWith("/operator/");
            if (people) {
                assertThat(operation.path("security").toString()).as("%s needs a login", endpoint).contains(ApiDocsConfig.LOGIN);
            }
        }
        JsonNode schemas = contract.document().at("/components/schemas");
        for (String type : VcsSchemas.EVENT_TYPES) {
            assertThat(schemas.path(type).path("properties").path("type").path("const").asText())
                    .as("the %s event schema is embedded", type).isEqualTo(type);
        }
        assertThat(contract.document().path("openapi").asText()).startsWith("3.1");
        for (String type : OutboundVcsEvents.TYPES) {
            assertThat(contract.document().at("/webhooks/" + type + "/post/requestBody/content/application~1json/schema/$ref")
                    .asText()).as("webhook %s is described", type).isEqualTo("#/components/schemas/" + type);
        }
    }

    private String referral(boolean withConsent) throws Exception {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        // a patient of its own, so consent changes touch this referral only
        bundle.getEntry().get(0).getRequest().setIfNoneExist(null);
        ((Patient) bundle.getEntry().get(0).getResource()).getIdentifier().clear();
        Bundle response = client.transaction().withBundle(bundle).execute();
        return response.getEntry().get(5).getResource().getIdElement().getIdPart()
                + (withConsent ? "|" + response.getEntry().get(4).getResource().getIdElement().getIdPart() : "");
    }

    private HttpResponse<String> vcs(String method, String path, String body) throws Exception {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        long now = Instant.now().getEpochSecond();
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .header("webhook-organisation", ORG).header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", StandardWebhooks.signV1(SECRET, id, now, bytes));
        if (body != null) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        } else if (method.equals("POST")) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> people(String method, String path) throws Exception {
        HttpRequest.Builder request = Logins.request(port, path, demo);
        if (method.equals("POST")) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyDocumentedOperationAnswersAsItsSchemaSays() throws Exception {
        String referral = referral(false);
        String patient = jdbc.queryForObject("SELECT patient_id FROM referral_route WHERE referral_id = ?", String.class, referral);

        contract.check("GET", "/vcs/v1/schemas", vcs("GET", "/vcs/v1/schemas", null));
        contract.check("GET", "/vcs/v1/schemas/{event}.schema.json", vcs("GET", "/vcs/v1/schemas/referral.completed.schema.json", null));
        contract.check("GET", "/vcs/v1/schemas/{event}.schema.json", vcs("GET", "/vcs/v1/schemas/referral.lost.schema.json", null));
        HttpResponse<String> inbox = vcs("GET", "/vcs/v1/inbox", null);
        contract.check("GET", "/vcs/v1/inbox", inbox);
        String messageId = null;
        for (JsonNode m : JSON.readTree(inbox.body()).path("messages")) {
            if (m.path("referralId").asText().equals(referral)) {
                messageId = m.path("messageId").asText();
            }
        }
        assertThat(messageId).as("the referral is in the inbox").isNotNull();
        contract.check("POST", "/vcs/v1/inbox/{messageId}/ack", vcs("POST", "/vcs/v1/inbox/" + messageId + "/ack", null));
        contract.check("POST", "/vcs/v1/inbox/{messageId}/ack", vcs("POST", "/vcs/v1/inbox/msg_nothing/ack", null));
        contract.check("POST", "/vcs/v1/events", vcs("POST", "/vcs/v1/events",
                "{\"type\":\"referral.accepted\",\"referralId\":\"" + referral + "\",\"occurredAt\":\"" + Instant.now() + "\"}"));
        contract.check("POST", "/vcs/v1/events", vcs("POST", "/vcs/v1/events",
                "{\"type\":\"referral.completed\",\"referralId\":\"" + referral + "\",\"occurredAt\":\"" + Instant.now()
                        + "\",\"outcomes\":{\"ons4\":{\"lifeSatisfaction\":11}}}"));
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(base() + "/vcs/v1/events"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(401);
        contract.check("POST", "/vcs/v1/events", unsigned);

        contract.check("GET", "/ig/v1/audit", people("GET", "/ig/v1/audit?patient=" + patient));
        contract.check("GET", "/ig/v1/audit.csv", people("GET", "/ig/v1/audit.csv?patient=" + patient));
        contract.check("GET", "/ig/v1/patients/{patientId}/disclosures", people("GET", "/ig/v1/patients/" + patient + "/disclosures"));
        contract.check("GET", "/ig/v1/audit/verify", people("GET", "/ig/v1/audit/verify"));
        contract.check("GET", "/ig/v1/dry-run", people("GET", "/ig/v1/dry-run?referral=" + referral + "&organisation=vcs-walking-group"));
        contract.check("GET", "/ig/v1/dry-run", people("GET", "/ig/v1/dry-run?referral=nothing&organisation=vcs-walking-group"));

        jdbc.update("UPDATE outbox_message SET status = 'dead', attempts = 3, last_http_status = 500, last_error = 'HTTP 500'"
                + " WHERE referral_id = ?", referral);
        contract.check("GET", "/operator/dead-letters", people("GET", "/operator/dead-letters"));
        contract.check("POST", "/operator/dead-letters/{messageId}/replay", people("POST", "/operator/dead-letters/" + messageId + "/replay"));
        contract.check("POST", "/operator/dead-letters/{messageId}/replay", people("POST", "/operator/dead-letters/msg_nothing/replay"));
        outbox.disableEndpoint("vcs-walking-group", "test", Instant.now());
        contract.check("POST", "/operator/endpoints/{destination}/enable", people("POST", "/operator/endpoints/vcs-walking-group/enable"));
        contract.check("POST", "/operator/endpoints/{destination}/enable", people("POST", "/operator/endpoints/vcs-walking-group/enable"));
        contract.check("POST", "/operator/encryption/reencrypt", people("POST", "/operator/encryption/reencrypt"));
        contract.check("GET", "/operator/encryption", people("GET", "/operator/encryption"));
        HttpResponse<String> backup = people("POST", "/operator/backup");
        contract.check("POST", "/operator/backup", backup);
        contract.check("GET", "/ig/v1/audit", people("GET", "/ig/v1/audit?from=yesterday"));

        // every documented operation had a 2xx answer checked (the backup's is a 409 on PostgreSQL, also checked)
        List<String> unchecked = new ArrayList<>();
        for (String endpoint : documentedEndpoints()) {
            boolean ok = contract.checked().stream().anyMatch(c -> c.startsWith(endpoint + " 2"));
            if (!ok && !(endpoint.equals("POST /operator/backup") && backup.statusCode() == 409)) {
                unchecked.add(endpoint);
            }
        }
        assertThat(unchecked).as("documented operations whose answer no test checked (checked: %s)", contract.checked()).isEmpty();
        assertThat(contract.checked()).as("error answers were checked too").anyMatch(c -> c.endsWith(" 422"))
                .anyMatch(c -> c.endsWith(" 401")).anyMatch(c -> c.endsWith(" 404"));
    }

    @Test
    void everyEventTheGatewaySendsOrAcceptsHasItsPublishedSchemaAndMatchesIt() throws Exception {
        String created = referral(true);
        String[] cancelled = referral(true).split("\\|");
        ServiceRequest sr = client.read().resource(ServiceRequest.class).withId(cancelled[0]).execute();
        sr.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
        client.update().resource(sr).execute();
        String[] withdrawn = referral(true).split("\\|");
        Consent consent = client.read().resource(Consent.class).withId(withdrawn[1]).execute();
        consent.setStatus(Consent.ConsentState.INACTIVE);
        client.update().resource(consent).execute();

        Set<String> sent = new TreeSet<>();
        for (Map<String, Object> row : jdbc.queryForList("SELECT event_type, message_id FROM outbox_message"
                + " WHERE channel <> 'gp-push' AND referral_id IN (?, ?, ?)", created.split("\\|")[0], cancelled[0], withdrawn[0])) {
            String type = (String) row.get("event_type");
            sent.add(type);
            // stored sealed (docs/security.md#encryption-at-rest): read as it is sent
            JsonNode payload = JSON.readTree(outbox.find((String) row.get("message_id")).orElseThrow().payload());
            assertThat(payload.path("type").asText()).isEqualTo(type);
            assertThat(VcsSchemas.validate(type, payload)).as("%s as sent matches its schema", type).isEmpty();
        }
        assertThat(sent).as("the loop sent every type the gateway declares it sends")
                .containsExactlyInAnyOrderElementsOf(OutboundVcsEvents.TYPES);
        List<String> all = new ArrayList<>(OutboundVcsEvents.TYPES);
        for (VcsEventType type : VcsEventType.values()) {
            all.add(type.wireName());
        }
        for (String type : all) {
            assertThat(VcsSchemas.EVENT_TYPES).contains(type);
            assertThat(Path.of("../docs/schemas/v1/" + type + ".schema.json")).as("published for integrators").exists();
            HttpResponse<String> served = http.send(HttpRequest.newBuilder(URI.create(base() + "/vcs/v1/schemas/" + type
                    + ".schema.json")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(served.body())).isEqualTo(JSON.readTree(Files.readString(
                    Path.of("../docs/schemas/v1/" + type + ".schema.json"))));
        }
    }

    @Test
    void theBrowsableUiRendersEveryOperationUnderItsContentSecurityPolicy() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base() + "/swagger-ui/index.html")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
        WebDriver browser = Browser.start(profile);
        try {
            browser.get(base() + "/swagger-ui.html");
            new WebDriverWait(browser, Duration.ofSeconds(30))
                    .until(d -> d.findElements(By.cssSelector(".opblock-summary-path")).size() >= documentedEndpoints().size());
            List<String> paths = browser.findElements(By.cssSelector(".opblock-summary-path")).stream()
                    .map(e -> e.getAttribute("data-path")).toList();
            assertThat(paths).contains("/vcs/v1/events", "/ig/v1/dry-run", "/operator/dead-letters/{messageId}/replay");
            assertThat(browser.getPageSource()).contains("spgateway JSON APIs");
            Browser.screenshot(browser, "openapi-ui");
            List<String> violations = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                    .map(LogEntry::getMessage).filter(m -> m.contains("Content Security Policy")).toList();
            assertThat(violations).as("nothing the page needs is blocked by its CSP").isEmpty();
        } finally {
            browser.quit();
        }
    }
}
