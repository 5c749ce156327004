package org.spgateway.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.spgateway.gateway.support.HostileTraffic.assertFhirRefusal;
import static org.spgateway.gateway.support.HostileTraffic.assertProblemRefusal;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spgateway.gateway.fhir.OperationOutcomes;
import org.spgateway.gateway.fhir.ResourceValidator;
import org.spgateway.gateway.fhir.provider.TransactionProvider;
import org.spgateway.gateway.support.HostileTraffic;
import org.spgateway.gateway.support.HostileTraffic.StoreCounts;
import org.spgateway.gateway.support.Referrals;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Each hostile-input control over HTTP, at its default setting: the answer is a clear 4xx in the endpoint's dialect,
 * it comes quickly, and nothing is stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
class HostileInputIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final Duration QUICK = Duration.ofSeconds(15);

    @TempDir
    static Path secrets;
    private static String marker;
    private static URI secretFile;

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ResourceValidator validator;

    @Autowired
    TransactionProvider transactions;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(QUICK).build();

    @BeforeAll
    static void secretOnDisk() throws Exception {
        marker = "HOSTILE-MARKER-" + UUID.randomUUID();
        Path file = secrets.resolve("secret.txt");
        Files.writeString(file, marker);
        secretFile = file.toUri();
    }

    private HttpResponse<String> fhir(String method, String path, String contentType, byte[] body) throws Exception {
        return http.send(gp().authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + path))).timeout(QUICK)
                .header("Content-Type", contentType).header("Accept", "application/fhir+json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postFhir(String path, String contentType, String body) throws Exception {
        return fhir("POST", path, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> postEvent(String body, boolean signed) throws Exception {
        String id = "msg_" + UUID.randomUUID();
        long now = Instant.now().getEpochSecond();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String signature = signed ? StandardWebhooks.signV1(HostileTraffic.SECRET, id, now, bytes) : "v1,AAAA";
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/vcs/v1/events")).timeout(QUICK)
                .header("Content-Type", "application/json").header("webhook-organisation", HostileTraffic.ORG)
                .header("webhook-id", id).header("webhook-timestamp", Long.toString(now)).header("webhook-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String patientJson() {
        return CTX.newJsonParser().encodeResourceToString(Referrals.valid().withoutNhsNumber().patient());
    }

    /** A valid Patient with {@code "extension":[{"url":..,"extension":[...]}]} nested to the given document depth. */
    private static String deepPatient(int depth) {
        String patient = patientJson();
        StringBuilder nest = new StringBuilder();
        int levels = depth - 1;
        for (int i = 0; i < levels; i++) {
            nest.append(i % 2 == 0 ? "\"extension\":[" : "{\"url\":\"https://example.org/x\",");
        }
        nest.append("\"valueString\":\"x\"");
        for (int i = levels - 1; i >= 0; i--) {
            nest.append(i % 2 == 0 ? "]" : "}");
        }
        return patient.substring(0, patient.length() - 1) + "," + nest + "}";
    }

    private static String event(String extra) {
        return "{\"type\":\"referral.accepted\",\"referralId\":\"" + UUID.randomUUID() + "\",\"occurredAt\":\""
                + Instant.now() + "\"" + extra + "}";
    }

    @Test
    void fhirJsonNestedPastTheDepthLimitIs400BeforeParsing() throws Exception {
        StoreCounts before = StoreCounts.of(jdbc);
        HttpResponse<String> response = postFhir("/Patient", "application/fhir+json", deepPatient(65));
        assertThat(response.statusCode()).isEqualTo(400);
        OperationOutcome outcome = assertFhirRefusal(response);
        assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.TOOCOSTLY);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("nested deeper than 64");
        // ten thousand levels: a recursive parser would overflow its stack
        String abyss = "{\"resourceType\":\"Patient\",\"extension\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertThat(postFhir("/Patient", "application/fhir+json", abyss).statusCode()).isEqualTo(400);
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
    }

    @Test
    void aLongStringIs400AndOneAtTheLimitIsNotRefusedForLength() throws Exception {
        StoreCounts before = StoreCounts.of(jdbc);
        String tooLong = patientJson().replace("\"Smith\"", "\"" + "S".repeat(262_145) + "\"");
        HttpResponse<String> response = postFhir("/Patient", "application/fhir+json", tooLong);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(assertFhirRefusal(response).getIssueFirstRep().getDiagnostics()).contains("longer than 262144 characters");
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
        String atLimit = patientJson().replace("\"Smith\"", "\"" + "S".repeat(262_144) + "\"");
        assertThat(postFhir("/Patient", "application/fhir+json", atLimit).statusCode()).isEqualTo(201);
    }

    @Test
    void aNumberWithAHugeExponentIs400NotAnOutOfMemoryError() throws Exception {
        StoreCounts before = StoreCounts.of(jdbc);
        // HAPI's JSON parser expands 1e999999999 to a billion-digit string: without the pre-scan, this is an OOM
        String patient = patientJson();
        String hostile = patient.substring(0, patient.length() - 1)
                + ",\"extension\":[{\"url\":\"https://example.org/x\",\"valueDecimal\":1e999999999}]}";
        long start = System.nanoTime();
        HttpResponse<String> response = postFhir("/Patient", "application/fhir+json", hostile);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(assertFhirRefusal(response).getIssueFirstRep().getDiagnostics()).contains("exponent");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
    }

    @Test
    void duplicatePropertiesAre400() throws Exception {
        String patient = patientJson();
        String twice = patient.substring(0, patient.length() - 1) + ",\"gender\":\"male\",\"gender\":\"female\"}";
        HttpResponse<String> response = postFhir("/Patient", "application/fhir+json", twice);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(assertFhirRefusal(response).getIssueFirstRep().getDiagnostics()).contains("same property twice");
    }

    @Test
    void aBundleOverTheEntryLimitIs413BeforeAnyEntryIsParsedOrValidated() throws Exception {
        StoreCounts before = StoreCounts.of(jdbc);
        // 101 entries that are each invalid: were they parsed or validated, the answer would name their errors
        String entry = "{\"fullUrl\":\"urn:uuid:x\",\"resource\":{\"resourceType\":\"Spaceship\",\"warp\":\"9\"}}";
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                + String.join(",", java.util.Collections.nCopies(101, entry)) + "]}";
        HttpResponse<String> response = postFhir("", "application/fhir+json", bundle);
        assertThat(response.statusCode()).isEqualTo(413);
        OperationOutcome outcome = assertFhirRefusal(response);
        assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(IssueType.TOOCOSTLY);
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("101 entries; at most 100");
        String xmlEntry = "<entry><resource><Patient><active value=\"true\"/></Patient></resource></entry>";
        String xmlBundle = "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"transaction\"/>" + xmlEntry.repeat(101) + "</Bundle>";
        assertThat(postFhir("", "application/fhir+xml", xmlBundle).statusCode()).isEqualTo(413);
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
    }

    @Test
    void behindThePreScanTheTransactionProviderAnswersTheSame413() {
        org.hl7.fhir.r4.model.Bundle bundle = new org.hl7.fhir.r4.model.Bundle();
        bundle.setType(org.hl7.fhir.r4.model.Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < 101; i++) {
            bundle.addEntry().setResource(Referrals.valid().withoutNhsNumber().patient())
                    .getRequest().setMethod(org.hl7.fhir.r4.model.Bundle.HTTPVerb.POST).setUrl("Patient");
        }
        assertThatThrownBy(() -> transactions.transaction(bundle))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, e -> assertThat(e.getStatusCode()).isEqualTo(413))
                .hasMessageContaining("101 entries; at most 100");
    }

    /** Classic XXE payloads: an external entity in a value, in the narrative, a parameter entity, an external DTD. */
    private List<String> xxePayloads() {
        String patientOpen = "<Patient xmlns=\"http://hl7.org/fhir\">";
        return List.of(
                "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"" + secretFile + "\">]>" + patientOpen
                        + "<name><family value=\"&xxe;\"/></name></Patient>",
                "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"" + secretFile + "\">]>" + patientOpen
                        + "<text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\">&xxe;</div></text>"
                        + "</Patient>",
                "<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY % remote SYSTEM \"" + secretFile + "\"> %remote;]>"
                        + patientOpen + "<active value=\"true\"/></Patient>",
                "<?xml version=\"1.0\"?><!DOCTYPE Patient SYSTEM \"" + secretFile + "\">" + patientOpen
                        + "<active value=\"true\"/></Patient>");
    }

    private static String billionLaughs() {
        StringBuilder lol = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY lol0 \"lol\">");
        for (int i = 1; i <= 9; i++) {
            lol.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
        }
        return lol.append("]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&lol9;\"/></name></Patient>").toString();
    }

    @Test
    void xxeAndBillionLaughsAre4xxOperationOutcomesThatNeverShowTheFile() throws Exception {
        StoreCounts before = StoreCounts.of(jdbc);
        List<String> payloads = new java.util.ArrayList<>(xxePayloads());
        payloads.add(billionLaughs());
        for (String payload : payloads) {
            for (String contentType : List.of("application/fhir+xml", "application/xml", "text/plain")) {
                for (String path : List.of("/Patient", "")) {
                    long start = System.nanoTime();
                    HttpResponse<String> response = postFhir(path, contentType, payload);
                    assertThat(response.statusCode()).as("%s %s", contentType, path).isEqualTo(400);
                    assertThat(assertFhirRefusal(response).getIssueFirstRep().getDiagnostics()).contains("DOCTYPE");
                    assertThat(response.body()).doesNotContain(marker);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                }
            }
        }
        // an update of an existing resource is refused the same way
        HttpResponse<String> created = postFhir("/Patient", "application/fhir+json", patientJson());
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        String patientId = location.replaceAll(".*/Patient/([^/]+).*", "$1");
        StoreCounts afterCreate = StoreCounts.of(jdbc);
        HttpResponse<String> update = fhir("PUT", "/Patient/" + patientId, "application/fhir+xml",
                xxePayloads().get(0).replace("<Patient xmlns=\"http://hl7.org/fhir\">",
                        "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"" + patientId + "\"/>").getBytes(StandardCharsets.UTF_8));
        assertThat(update.statusCode()).isEqualTo(400);
        assertThat(update.body()).doesNotContain(marker);
        assertThat(StoreCounts.of(jdbc)).isEqualTo(afterCreate);
        assertThat(afterCreate.resources()).isEqualTo(before.resources() + 1);
    }

    @Test
    void behindThePreScanHapisParserAndTheValidatorRefuseDtdsToo() {
        // defence in depth: were the pre-scan ever bypassed, neither XML reader reads the file
        for (String payload : xxePayloads()) {
            String seen;
            try {
                seen = CTX.newJsonParser().encodeResourceToString(CTX.newXmlParser().parseResource(payload));
            } catch (DataFormatException e) {
                seen = e.getMessage();
            }
            assertThat(seen).doesNotContain(marker);
            List<OperationOutcomes.Issue> issues = validator.validate(payload);
            assertThat(issues).as("the validator refuses any DOCTYPE").isNotEmpty();
            assertThat(issues).allSatisfy(i -> assertThat(i.message()).doesNotContain(marker));
        }
        // an entity that would have to be declared in the DTD is undeclared for HAPI's parser
        assertThatThrownBy(() -> CTX.newXmlParser().parseResource(xxePayloads().get(0))).isInstanceOf(DataFormatException.class);
        assertThatThrownBy(() -> CTX.newXmlParser().parseResource(billionLaughs())).isInstanceOf(DataFormatException.class);
    }

    @Test
    void vcsEventsGetTheSameLimitsAsProblemJsonAndNothingIsRecorded() throws Exception {
        StoreCounts before = StoreCounts.of(jdbc);
        String deep = event(",\"note\":" + "[".repeat(100) + "]".repeat(100));
        String longNote = event(",\"note\":\"" + "n".repeat(262_145) + "\"");
        String twice = event(",\"type\":\"referral.declined\"");
        String exponent = event(",\"outcomes\":{\"ons4\":{\"lifeSatisfaction\":1e999999999}}");
        for (String body : List.of(deep, longNote, twice, exponent)) {
            for (boolean signed : List.of(true, false)) {
                HttpResponse<String> response = postEvent(body, signed);
                assertThat(response.statusCode()).as(body.substring(0, 80)).isEqualTo(400);
                assertThat(assertProblemRefusal(response).path("type").asText())
                        .isIn("https://spgateway.org/problems/limit-exceeded", "https://spgateway.org/problems/malformed-body");
            }
        }
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
    }

    private HttpResponse<String> vcs(String method, String path, String accept, boolean signed) throws Exception {
        String id = "msg_" + UUID.randomUUID();
        long now = Instant.now().getEpochSecond();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(QUICK)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (signed) {
            request.header("webhook-organisation", HostileTraffic.ORG).header("webhook-id", id)
                    .header("webhook-timestamp", Long.toString(now))
                    .header("webhook-signature", StandardWebhooks.signV1(HostileTraffic.SECRET, id, now, new byte[0]));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void misusingHttpOnTheJsonApisIsProblemJsonWithTheRightStatus() throws Exception {
        HttpResponse<String> wrongMethod = vcs("GET", "/vcs/v1/events", null, false);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertProblemRefusal(wrongMethod);
        assertThat(wrongMethod.headers().firstValue("Allow").orElse("")).contains("POST");
        HttpResponse<String> notAcceptable = vcs("GET", "/vcs/v1/inbox", "text/html", true);
        assertThat(notAcceptable.statusCode()).isEqualTo(406);
        assertProblemRefusal(notAcceptable);
        HttpResponse<String> badParameter = vcs("GET", "/vcs/v1/inbox?limit=lots", null, true);
        assertThat(badParameter.statusCode()).isEqualTo(400);
        assertProblemRefusal(badParameter);
        HttpResponse<String> nowhere = vcs("GET", "/vcs/v1/nowhere", null, false);
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertProblemRefusal(nowhere);
    }

    @Test
    void misusingHttpOnFhirIsAnOperationOutcomeWithTheRightStatus() throws Exception {
        StoreCounts before = StoreCounts.of(jdbc);
        String patient = patientJson();
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/octet-stream", "application/fhir+xml", "image/png")) {
            HttpResponse<String> response = postFhir("/Patient", type, patient);
            assertThat(response.statusCode()).as(type).isBetween(200, 499);
            if (response.statusCode() >= 400) {
                assertFhirRefusal(response);
            }
        }
        HttpResponse<String> delete = fhir("DELETE", "/Patient/x", "application/fhir+json", new byte[0]);
        assertThat(delete.statusCode()).isBetween(400, 499);
        assertFhirRefusal(delete);
        HttpResponse<String> empty = fhir("POST", "/Patient", "application/fhir+json", new byte[0]);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertFhirRefusal(empty);
        HttpResponse<String> wrongType = postFhir("/Patient", "application/fhir+json", CTX.newJsonParser()
                .encodeResourceToString(new org.hl7.fhir.r4.model.Organization().setName("Not a patient")));
        assertThat(wrongType.statusCode()).isBetween(400, 499);
        assertFhirRefusal(wrongType);
        assertThat(StoreCounts.of(jdbc).resources()).isLessThanOrEqualTo(before.resources() + 6);
    }

    @Test
    void wellFormedNonsenseThatTripsHapisParserIs400NotAnInternalError() throws Exception {
        // found by HostileInputFuzzIT: HAPI's parser throws NullPointerException / IllegalArgumentException for these
        StoreCounts before = StoreCounts.of(jdbc);
        for (String bundle : List.of(
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":\"Patient\"}]}",
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":null}]}",
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"fullUrl\":\"urn:uuid:1\","
                        + "\"resource\":{\"resourceType\":\"Patient\"},\"request\":{\"method\":\"BOGUS\",\"url\":\"Patient\"}}]}")) {
            HttpResponse<String> response = postFhir("", "application/fhir+json", bundle);
            assertThat(response.statusCode()).as(bundle).isEqualTo(400);
            assertThat(assertFhirRefusal(response).getIssueFirstRep().getDiagnostics())
                    .contains("Malformed FHIR JSON").doesNotContain("Exception").doesNotContain("ca.uhn");
        }
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
    }

    @Test
    void aSignedWebhookIdLongerThanTheIdempotencyRecordHoldsIs400() throws Exception {
        // found by HostileInputFuzzIT: a 129-character webhook-id failed the INSERT into inbound_event with a 500
        StoreCounts before = StoreCounts.of(jdbc);
        for (int length : new int[] {128, 129, 5000}) {
            String id = "m".repeat(length);
            long now = Instant.now().getEpochSecond();
            byte[] body = event("").getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/vcs/v1/events"))
                    .timeout(QUICK).header("Content-Type", "application/json").header("webhook-organisation", HostileTraffic.ORG)
                    .header("webhook-id", id).header("webhook-timestamp", Long.toString(now))
                    .header("webhook-signature", StandardWebhooks.signV1(HostileTraffic.SECRET, id, now, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (length <= 128) {
                // authenticated; the referral is unknown
                assertThat(response.statusCode()).isEqualTo(404);
            } else {
                assertThat(response.statusCode()).isEqualTo(400);
                assertThat(assertProblemRefusal(response).path("detail").asText()).contains("at most 128");
            }
        }
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
    }

    @Test
    void unreadableSearchValuesAre400AndAWildcardContentTypeIsNotAnInternalError() throws Exception {
        // found by HostileInputFuzzIT: HAPI's search-parameter binding threw DataFormatException (500), and Spring's
        // body reading threw on Content-Type */* (500)
        for (String query : List.of("/Task?_lastUpdated=yesterday", "/ServiceRequest?_lastUpdated=%7B%7B7*7%7D%7D",
                "/AuditEvent?date=NaN")) {
            HttpResponse<String> response = http.send(gp().authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + query)))
                    .timeout(QUICK).header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(assertFhirRefusal(response).getIssueFirstRep().getDiagnostics()).startsWith("Invalid request");
        }
        String id = "msg_" + UUID.randomUUID();
        long now = Instant.now().getEpochSecond();
        byte[] body = event("").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> wildcard = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/vcs/v1/events"))
                .timeout(QUICK).header("Content-Type", "*/*").header("webhook-organisation", HostileTraffic.ORG)
                .header("webhook-id", id).header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", StandardWebhooks.signV1(HostileTraffic.SECRET, id, now, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        // read, authenticated and parsed: the referral is unknown
        assertThat(wildcard.statusCode()).isEqualTo(404);
        assertProblemRefusal(wildcard);
    }

    @Test
    void aControlCharacterInAnySearchValueIs400NamingTheParameter() throws Exception {
        // found by HostileInputFuzzIT on PostgreSQL: AuditEvent?patient=%00 reached the database, which refuses a NUL
        // in a string parameter (500); every provider's parameters are now checked before binding
        for (String query : List.of("/AuditEvent?patient=%00", "/AuditEvent?agent=x%01", "/Task?focus=ServiceRequest/%00",
                "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C943%00", "/Task?status=requested%7F")) {
            HttpResponse<String> response = http.send(gp().authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + query)))
                    .timeout(QUICK).header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(assertFhirRefusal(response).getIssueFirstRep().getDiagnostics()).as(query).contains("contains a control character");
        }
    }

    @Test
    void aRefusalQuotingACharacterXmlCannotCarryIsStillXml() throws Exception {
        // found by HostileInputFuzzIT: the 400 for _total=U+FFFF quoted the value, and the XML body could not be parsed
        // and a value that is not UTF-8 once percent-decoded (a lone surrogate's bytes) was a 500
        Map<String, String> queries = Map.of("/Patient?_total=%EF%BF%BF", "_total must be none, estimate or accurate, not \uFFFD",
                "/Patient?_total=%ED%A0%80x", "A query parameter is not valid UTF-8");
        for (Map.Entry<String, String> query : queries.entrySet()) {
            HttpResponse<String> response = http.send(gp().authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/fhir" + query.getKey()))).timeout(QUICK).header("Accept", "application/fhir+xml").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(query.getKey()).isEqualTo(400);
            org.hl7.fhir.r4.model.OperationOutcome outcome = CTX.newXmlParser()
                    .parseResource(org.hl7.fhir.r4.model.OperationOutcome.class, response.body());
            assertThat(outcome.getIssueFirstRep().getDiagnostics()).as(query.getKey()).startsWith(query.getValue());
        }
    }

    @Test
    void aControlCharacterInAConditionalCreatesCriteriaIs400() throws Exception {
        // the same NUL, percent-encoded inside a transaction entry's ifNoneExist, is decoded only by the gateway
        org.hl7.fhir.r4.model.Bundle bundle = Referrals.valid().transaction();
        bundle.getEntryFirstRep().getRequest().setIfNoneExist("identifier=https://fhir.nhs.uk/Id/nhs-number%7C943%00");
        HttpResponse<String> response = postFhir("", "application/fhir+json", CTX.newJsonParser().encodeResourceToString(bundle));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(assertFhirRefusal(response).getIssueFirstRep().getDiagnostics()).contains("contains a control character");
    }

    @Test
    void aControlCharacterInAnyStringOfAResourceIs422NamingTheElement() throws Exception {
        // found by HostileInputFuzzIT on PostgreSQL: a NUL in a ServiceRequest value was a 500 there (and stored on H2)
        StoreCounts before = StoreCounts.of(jdbc);
        String bundle = CTX.newJsonParser().encodeResourceToString(Referrals.valid().withIdentifier("REF-NUL").transaction());
        HttpResponse<String> nul = postFhir("", "application/fhir+json", bundle.replace("\"REF-NUL\"", "\"REF-\\u0000\""));
        assertThat(nul.statusCode()).as(nul.body()).isEqualTo(422);
        assertThat(assertFhirRefusal(nul).getIssueFirstRep().getDiagnostics())
                .matches("Bundle\\.entry\\[\\d]\\.resource/\\*ServiceRequest\\*/\\.identifier\\[0]\\.value contains a control character.*");
        Referrals unit = Referrals.valid();
        org.hl7.fhir.r4.model.Patient patient = unit.patient();
        patient.getNameFirstRep().setFamily("Smith\u0007");
        HttpResponse<String> bell = postFhir("/Patient", "application/fhir+json", CTX.newJsonParser().encodeResourceToString(patient));
        assertThat(bell.statusCode()).as(bell.body()).isEqualTo(422);
        assertThat(assertFhirRefusal(bell).getIssueFirstRep().getDiagnostics()).startsWith("Patient.name[0].family contains a control character");
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
        // tab, carriage return and line feed are what FHIR strings do allow
        org.hl7.fhir.r4.model.Bundle lines = Referrals.valid().transaction();
        ((org.hl7.fhir.r4.model.ServiceRequest) lines.getEntry().stream().map(e -> e.getResource())
                .filter(r -> r instanceof org.hl7.fhir.r4.model.ServiceRequest).findFirst().orElseThrow())
                .addNote().setText("Prefers mornings.\r\nCall first:\tafter 9");
        HttpResponse<String> accepted = postFhir("", "application/fhir+json", CTX.newJsonParser().encodeResourceToString(lines));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    }

    @Test
    void manyTinyInvalidElementsAreRefusedBeforeTheValidatorSpendsMinutesOnThem() throws Exception {
        // found by HostileInputFuzzIT: 20,000 empty References (60 KB) kept the validator busy for minutes
        StoreCounts before = StoreCounts.of(jdbc);
        String bundle = Files.readString(Path.of("../docs/examples/referral-bundle.json"));
        for (String item : List.of("{\"id\":\"a\"}", "{\"display\":\"\"}", "{\"x\":1}")) {
            String hostile = bundle.replace("\"reasonReference\"", "\"supportingInfo\":["
                    + String.join(",", java.util.Collections.nCopies(20_000, item)) + "],\"reasonReference\"");
            long start = System.nanoTime();
            HttpResponse<String> response = postFhir("", "application/fhir+json", hostile);
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(assertFhirRefusal(response).getIssueFirstRep().getDiagnostics()).contains("more than 2000 elements");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        // an empty object is never valid FHIR: refused without validation, as the validator would (422)
        long start = System.nanoTime();
        HttpResponse<String> empty = postFhir("", "application/fhir+json", bundle.replace("\"reasonReference\"",
                "\"supportingInfo\":[" + String.join(",", java.util.Collections.nCopies(20_000, "{}")) + "],\"reasonReference\""));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(assertFhirRefusal(empty).getIssueFirstRep().getDiagnostics()).contains("Empty JSON objects");
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
    }

    @Test
    void anXmlElementRepeatedWhereOnlyOneIsAllowedIs422NotAnInternalError() throws Exception {
        // found by HostileInputFuzzIT: the validator threw java.lang.Error on a Bundle entry with two request urls
        StoreCounts before = StoreCounts.of(jdbc);
        String xml = CTX.newXmlParser().encodeResourceToString(CTX.newJsonParser().parseResource(
                Files.readString(Path.of("../docs/examples/referral-bundle.json"))));
        String twice = xml.replaceFirst("(<url value=\"Patient\"/>)", "$1$1");
        assertThat(twice).isNotEqualTo(xml);
        HttpResponse<String> response = postFhir("", "application/fhir+xml", twice);
        assertThat(response.statusCode()).isEqualTo(422);
        assertFhirRefusal(response);
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
    }

    @Test
    void anIdentifierTooLongToIndexIs422NamingItNotAFailedInsert() throws Exception {
        // found by HostileInputFuzzIT: a 10,000-character identifier failed the search-index INSERT (500, SQL quoted)
        StoreCounts before = StoreCounts.of(jdbc);
        org.hl7.fhir.r4.model.Patient patient = Referrals.valid().withoutNhsNumber().patient();
        patient.addIdentifier().setSystem("https://example.org/ids").setValue("i".repeat(256));
        HttpResponse<String> response = postFhir("/Patient", "application/fhir+json", CTX.newJsonParser().encodeResourceToString(patient));
        assertThat(response.statusCode()).isEqualTo(422);
        OperationOutcome outcome = assertFhirRefusal(response);
        assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Patient.identifier[0].value");
        assertThat(response.body()).doesNotContain("SQL").doesNotContain("INSERT");
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
        patient.getIdentifierFirstRep().setValue("i".repeat(255));
        assertThat(postFhir("/Patient", "application/fhir+json", CTX.newJsonParser().encodeResourceToString(patient)).statusCode())
                .isEqualTo(201);
    }

    @Test
    void aVcsNumberBeyondADoublesRangeIs422NotAnInternalError() throws Exception {
        // found by HostileInputFuzzIT: 1E+1000 where the schema expects a string made the schema validator throw
        StoreCounts before = StoreCounts.of(jdbc);
        HttpResponse<String> response = postEvent("{\"type\":\"referral.cancelled\",\"referralId\":\"" + UUID.randomUUID()
                + "\",\"occurredAt\":\"" + Instant.now() + "\",\"cancelledBy\":1E+1000,\"reason\":\"Moved away\"}", true);
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(assertProblemRefusal(response).path("type").asText()).endsWith("/invalid-event");
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
    }

    @Test
    void aNullInAPrimitiveArrayIs422NotAnInternalError() throws Exception {
        // found by HostileInputFuzzIT: the validator's own parser threw NullPointerException on this
        StoreCounts before = StoreCounts.of(jdbc);
        String patient = patientJson().replace("\"given\":[\"Margaret\"]", "\"given\":[null]");
        assertThat(patient).contains("[null]");
        HttpResponse<String> response = postFhir("/Patient", "application/fhir+json", patient);
        assertThat(response.statusCode()).isEqualTo(422);
        assertFhirRefusal(response);
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
    }

    @Test
    void whatTomcatRefusesItselfIsStillAnOperationOutcomeOrProblemJson() throws Exception {
        // found by HostileInputFuzzIT: a URL over Tomcat's header size limit got Tomcat's HTML error page
        String longQuery = "?name=" + "x".repeat(10_000);
        HttpResponse<String> fhir = http.send(gp().authorize(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Patient" + longQuery)))
                .timeout(QUICK).GET().build(), HttpResponse.BodyHandlers.ofString());
        // a request line over Tomcat's limit cannot be parsed, so which endpoint was meant is unknown: problem+json
        assertThat(fhir.statusCode()).isEqualTo(400);
        assertProblemRefusal(fhir);
        assertThat(fhir.body()).doesNotContain("Tomcat").doesNotContain("<html");
        HttpResponse<String> vcs = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/vcs/v1/inbox" + longQuery))
                .timeout(QUICK).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(vcs.statusCode()).isBetween(400, 499);
        assertProblemRefusal(vcs);
        assertThat(vcs.body()).doesNotContain("Tomcat").doesNotContain("<html");
        // the last-resort error page is no page of its own
        HttpResponse<String> error = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/error"))
                .timeout(QUICK).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(error.statusCode()).isEqualTo(404);
        assertProblemRefusal(error);
    }

    @Test
    void aFormBodyOnAnUpdateAndAByteOrderMarkAreNoInternalErrors() throws Exception {
        // found by HostileInputFuzzIT: Spring's form filter failed on an undecodable PUT form body (500), and a UTF-8
        // byte order mark made the validator log an error for every XML body that had one
        HttpResponse<String> created = postFhir("/Patient", "application/fhir+json", patientJson());
        String patientId = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/Patient/([^/]+).*", "$1");
        StoreCounts before = StoreCounts.of(jdbc);
        byte[] garbage = {'%', (byte) 0xff, '=', '%', 'z', 'z', '&', (byte) 0xc3};
        HttpResponse<String> form = fhir("PUT", "/Patient/" + patientId, "application/x-www-form-urlencoded", garbage);
        assertThat(form.statusCode()).isBetween(400, 499);
        assertFhirRefusal(form);
        assertThat(StoreCounts.of(jdbc)).isEqualTo(before);
        String xml = CTX.newXmlParser().encodeResourceToString(Referrals.valid().withoutNhsNumber().patient());
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] withBom = new byte[bom.length + xml.getBytes(StandardCharsets.UTF_8).length];
        System.arraycopy(bom, 0, withBom, 0, 3);
        System.arraycopy(xml.getBytes(StandardCharsets.UTF_8), 0, withBom, 3, withBom.length - 3);
        assertThat(fhir("POST", "/Patient", "application/fhir+xml", withBom).statusCode()).isEqualTo(201);
    }

    private org.spgateway.gateway.support.SmartClient gp;

    /** The Elm Street GP system, one access token per test. */
    private org.spgateway.gateway.support.SmartClient gp() {
        if (gp == null) {
            gp = org.spgateway.gateway.support.SmartClient.testGp(port);
        }
        return gp;
    }
}
