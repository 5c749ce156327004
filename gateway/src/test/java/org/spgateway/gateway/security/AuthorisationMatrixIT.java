package org.spgateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.support.Logins;
import org.spgateway.gateway.support.SmartClient;
import org.spgateway.gateway.webhook.StandardWebhooks;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The whole authorisation matrix, caller x resource x action, for one referral made by the Elm Street practice and
 * routed to one VCS service: every kind of caller the gateway knows (the owning and another practice's GP systems,
 * a read-only token of the owning practice, the routed and another VCS organisation, a forged signature, nobody, an IG lead, an operator) tries every action on
 * every resource of that referral (FHIR read, version read, history, search, update; the audit trail; the VCS inbox,
 * acknowledgement and progress events; the IG and operator APIs). Each cell states the one answer allowed, and a body
 * that must not show the referral where it is refused. All cells are checked before the test fails, so a failure
 * lists every wrong cell at once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class AuthorisationMatrixIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The demo directory's signing secrets (application.yml). */
    private static final Map<String, String> SECRETS = Map.of(
            "vcs-leeds-link-workers", "whsec_ZGVtby1saW5rLXdvcmtlcnMtc2VjcmV0LTEyMzQ1Ng==",
            "vcs-citizens-advice-leeds", "whsec_ZGVtby1jaXRpemVucy1hZHZpY2Utc2VjcmV0LTEyMzQ1Ng==",
            "vcs-walking-group", "whsec_ZGVtby13YWxraW5nLWdyb3VwLXNlY3JldC0xMjM0NTY3OA==");

    enum Caller { OWNING_GP, OWNING_GP_READ_ONLY, OTHER_GP, ROUTED_VCS, OTHER_VCS, FORGED_VCS, ANONYMOUS, IG_LEAD, OPERATOR }

    /** What a cell allows: a status, and for a 200 search whether the referral is in the answer. */
    enum Outcome {
        OK(200), FOUND(200), NOT_FOUND_IN_RESULTS(200), NOT_FOUND(404), UNAUTHENTICATED(401), FORBIDDEN(403);

        final int status;

        Outcome(int status) {
            this.status = status;
        }
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Accounts.DemoAccounts demo;

    private final HttpClient http = HttpClient.newHttpClient();
    private SmartClient owningGp;
    private SmartClient otherGp;
    private SmartClient readOnlyGp;
    private String routedVcs;
    private String otherVcs;

    private record Request(String method, String path, String body) {
    }

    private record Action(String name, Request request, String mustNotShow, Map<Caller, Outcome> expected) {
    }

    @Test
    void everyCallerReachesOnlyWhatIsItsOwnOnEveryResourceAndAction(
            org.springframework.boot.test.system.CapturedOutput log) throws Exception {
        owningGp = SmartClient.testGp(port);
        otherGp = SmartClient.of(port, "other-gp", "other-gp-ec-1", "system/*.read system/ServiceRequest.write");
        readOnlyGp = SmartClient.of(port, "test-gp", "test-gp-ec-1", "system/*.read");

        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ServiceRequest sent = (ServiceRequest) bundle.getEntry().stream().filter(e -> e.getResource() instanceof ServiceRequest)
                .findFirst().orElseThrow().getResource();
        String businessId = "REF-" + UUID.randomUUID();
        String nhsNumber = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> r instanceof org.hl7.fhir.r4.model.Patient).map(r -> (org.hl7.fhir.r4.model.Patient) r)
                .findFirst().orElseThrow().getIdentifier().stream()
                .filter(i -> "https://fhir.nhs.uk/Id/nhs-number".equals(i.getSystem())).findFirst().orElseThrow().getValue();
        sent.getIdentifierFirstRep().setValue(businessId);
        HttpResponse<String> created = send(Caller.OWNING_GP, new Request("POST", "/fhir", CTX.newJsonParser().encodeResourceToString(bundle)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        Map<String, String> ids = new LinkedHashMap<>();
        for (Bundle.BundleEntryComponent entry : CTX.newJsonParser().parseResource(Bundle.class, created.body()).getEntry()) {
            String[] location = entry.getResponse().getLocation().split("/");
            ids.putIfAbsent(location[0], location[1]);
        }
        String referral = ids.get("ServiceRequest");
        String patient = ids.get("Patient");
        String consent = ids.get("Consent");
        Map<String, Object> route = jdbc.queryForMap("SELECT task_id, service_id FROM referral_route WHERE referral_id = ?", referral);
        String task = (String) route.get("task_id");
        routedVcs = (String) route.get("service_id");
        assertThat(routedVcs).as("the example referral is routed to a demo service").isIn(SECRETS.keySet());
        otherVcs = SECRETS.keySet().stream().filter(s -> !s.equals(routedVcs)).sorted().findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM outbox_message WHERE referral_id = ? AND destination = ?", Integer.class, referral, routedVcs) > 0);
        String message = jdbc.queryForObject("SELECT message_id FROM outbox_message WHERE referral_id = ? AND destination = ?"
                + " ORDER BY seq LIMIT 1", String.class, referral, routedVcs);
        String referralJson = send(Caller.OWNING_GP, new Request("GET", "/fhir/ServiceRequest/" + referral, null)).body();

        List<Action> actions = new ArrayList<>();
        // FHIR reads of every resource of the referral: only the owning practice
        for (String[] read : new String[][] {
                {"ServiceRequest read", "/fhir/ServiceRequest/" + referral},
                {"ServiceRequest vread", "/fhir/ServiceRequest/" + referral + "/_history/1"},
                {"ServiceRequest history", "/fhir/ServiceRequest/" + referral + "/_history"},
                {"Task read", "/fhir/Task/" + task},
                {"Patient read", "/fhir/Patient/" + patient},
                {"Consent read", "/fhir/Consent/" + consent}}) {
            actions.add(new Action(read[0], new Request("GET", read[1], null), businessId, fhirOnly(Outcome.OK, Outcome.NOT_FOUND)));
        }
        // FHIR searches: the other practice's answer is empty, not refused (a refusal would confirm the record exists)
        for (String[] search : new String[][] {
                {"ServiceRequest search by identifier", "/fhir/ServiceRequest?identifier=" + businessId},
                {"Task search by focus", "/fhir/Task?focus=ServiceRequest/" + referral},
                {"Patient search by NHS number", "/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C" + nhsNumber},
                {"AuditEvent search by referral", "/fhir/AuditEvent?entity=ServiceRequest/" + referral}}) {
            actions.add(new Action(search[0], new Request("GET", search[1], null), businessId,
                    fhirOnly(Outcome.FOUND, Outcome.NOT_FOUND_IN_RESULTS)));
        }
        String auditEvent = "audit-" + jdbc.queryForObject("SELECT MIN(seq) FROM audit_record WHERE referral_id = ?", Long.class, referral);
        actions.add(new Action("AuditEvent read", new Request("GET", "/fhir/AuditEvent/" + auditEvent, null), referral,
                fhirOnly(Outcome.OK, Outcome.NOT_FOUND)));
        // the IG and operator APIs: their roles only, whatever else the caller holds
        actions.add(new Action("IG audit search", new Request("GET", "/ig/v1/audit?patient=" + patient, null), referral,
                people(Outcome.OK, Outcome.FORBIDDEN)));
        actions.add(new Action("IG patient report", new Request("GET", "/ig/v1/patients/" + patient + "/disclosures", null), referral,
                people(Outcome.OK, Outcome.FORBIDDEN)));
        actions.add(new Action("operator dead letters", new Request("GET", "/operator/dead-letters", null), null,
                people(Outcome.FORBIDDEN, Outcome.OK)));
        // the VCS inbox: every signed organisation has one; only the routed one finds the referral in it
        actions.add(new Action("VCS inbox", new Request("GET", "/vcs/v1/inbox", null), referral,
                vcsOnly(Outcome.FOUND, Outcome.NOT_FOUND_IN_RESULTS)));
        // writes last: each is tried by everyone who must be refused, then by the one who may
        Map<Caller, Outcome> update = without(fhirOnly(Outcome.OK, Outcome.NOT_FOUND), Caller.OWNING_GP);
        update.put(Caller.OWNING_GP_READ_ONLY, Outcome.FORBIDDEN); // its own record, but a token that may only read
        actions.add(new Action("ServiceRequest update", new Request("PUT", "/fhir/ServiceRequest/" + referral, referralJson), businessId,
                update));
        actions.add(new Action("VCS acknowledge", new Request("POST", "/vcs/v1/inbox/" + message + "/ack", ""), referral,
                without(vcsOnly(Outcome.OK, Outcome.NOT_FOUND), Caller.ROUTED_VCS)));
        String event = "{\"type\":\"referral.contacted\",\"referralId\":\"" + referral + "\",\"occurredAt\":\"" + Instant.now() + "\"}";
        actions.add(new Action("VCS progress event", new Request("POST", "/vcs/v1/events", event), businessId,
                without(vcsOnly(Outcome.OK, Outcome.NOT_FOUND), Caller.ROUTED_VCS)));
        actions.add(new Action("ServiceRequest update by its owner", new Request("PUT", "/fhir/ServiceRequest/" + referral, referralJson),
                null, Map.of(Caller.OWNING_GP, Outcome.OK)));
        actions.add(new Action("VCS acknowledge by the routed organisation", new Request("POST", "/vcs/v1/inbox/" + message + "/ack", ""),
                null, Map.of(Caller.ROUTED_VCS, Outcome.OK)));
        actions.add(new Action("VCS progress event by the routed organisation", new Request("POST", "/vcs/v1/events", event),
                null, Map.of(Caller.ROUTED_VCS, Outcome.OK)));

        List<String> wrong = new ArrayList<>();
        StringBuilder table = new StringBuilder("\nAuthorisation matrix (" + routedVcs + " is the routed service, " + otherVcs + " another):\n");
        int cells = 0;
        for (Action action : actions) {
            table.append(String.format("%-46s", action.name()));
            for (Map.Entry<Caller, Outcome> cell : action.expected().entrySet()) {
                cells++;
                HttpResponse<String> response = send(cell.getKey(), action.request());
                String problem = check(cell.getValue(), response, action.mustNotShow(), referral);
                table.append(' ').append(cell.getKey()).append('=').append(response.statusCode());
                if (problem != null) {
                    wrong.add(action.name() + " by " + cell.getKey() + ": " + problem);
                }
            }
            table.append('\n');
        }
        System.out.println(table);
        assertThat(cells).as("cells walked").isGreaterThan(100);
        assertThat(wrong).as("cells answered otherwise than the matrix allows").isEmpty();
        // no credential reached the log: tokens, signing secrets, passwords, signatures
        List<String> secrets = new ArrayList<>(List.of(owningGp.token(), otherGp.token(), readOnlyGp.token()));
        for (String login : List.of("ig-lead", "operator")) {
            // the embedded default prints its demo logins once, in the start-up banner, by design; nowhere else
            assertThat(log.getAll().lines().filter(line -> line.contains(demo.passwords().get(login))))
                    .allMatch(line -> line.matches("\\s+" + login + "\\s+password\\s+\\S+\\s*"));
        }
        SECRETS.values().forEach(secret -> secrets.add(secret.substring("whsec_".length())));
        for (String secret : secrets) {
            assertThat(log.getAll()).as("the log holds a credential").doesNotContain(secret);
        }
        assertThat(log.getAll()).doesNotContainIgnoringCase("Authorization: Basic").doesNotContain("v1,");
        // the refused writes changed nothing: the referral's one VCS event is the routed organisation's own
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM inbound_event WHERE referral_id = ?", Integer.class, referral)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT organisation_id FROM inbound_event WHERE referral_id = ?", String.class, referral))
                .isEqualTo(routedVcs);
    }

    /** A FHIR action: the owning GP system gets {@code owner}, the other practice {@code other}, everyone else 401. */
    private static Map<Caller, Outcome> fhirOnly(Outcome owner, Outcome other) {
        Map<Caller, Outcome> expected = everyoneUnauthenticated();
        expected.put(Caller.OWNING_GP, owner);
        expected.put(Caller.OWNING_GP_READ_ONLY, owner);
        expected.put(Caller.OTHER_GP, other);
        return expected;
    }

    /** A VCS action: the routed organisation gets {@code routed}, another organisation {@code other}, everyone else 401. */
    private static Map<Caller, Outcome> vcsOnly(Outcome routed, Outcome other) {
        Map<Caller, Outcome> expected = everyoneUnauthenticated();
        expected.put(Caller.ROUTED_VCS, routed);
        expected.put(Caller.OTHER_VCS, other);
        return expected;
    }

    /** An IG or operator API: the logins get their answers, machines (tokens, signatures) and nobody get 401. */
    private static Map<Caller, Outcome> people(Outcome igLead, Outcome operator) {
        Map<Caller, Outcome> expected = everyoneUnauthenticated();
        expected.put(Caller.IG_LEAD, igLead);
        expected.put(Caller.OPERATOR, operator);
        return expected;
    }

    private static Map<Caller, Outcome> everyoneUnauthenticated() {
        Map<Caller, Outcome> expected = new LinkedHashMap<>();
        for (Caller caller : Caller.values()) {
            expected.put(caller, Outcome.UNAUTHENTICATED);
        }
        return expected;
    }

    private static Map<Caller, Outcome> without(Map<Caller, Outcome> expected, Caller caller) {
        expected.remove(caller);
        return expected;
    }

    /** What is wrong with the answer, or null. */
    private static String check(Outcome expected, HttpResponse<String> response, String mustNotShow, String referral) throws Exception {
        if (response.statusCode() != expected.status) {
            return "answered " + response.statusCode() + ", the matrix allows " + expected.status + " (" + abbreviate(response.body()) + ")";
        }
        String body = response.body();
        switch (expected) {
            case FOUND, NOT_FOUND_IN_RESULTS -> {
                JsonNode json = JSON.readTree(body);
                boolean found = body.contains(referral);
                if (json.has("resourceType")) {
                    found = json.path("total").asInt(json.path("entry").size()) > 0 && json.path("entry").size() > 0;
                }
                if (found != (expected == Outcome.FOUND)) {
                    return expected == Outcome.FOUND ? "the referral is missing from the answer" : "the answer shows the referral";
                }
            }
            case NOT_FOUND, UNAUTHENTICATED, FORBIDDEN -> {
                if (mustNotShow != null && body.contains(mustNotShow)) {
                    return "the refusal shows " + mustNotShow;
                }
            }
            default -> {
            }
        }
        // a search echoes its own query in its self link: what must not show is any entry about the referral
        String results = body.startsWith("{\"resourceType\"") ? JSON.readTree(body).path("entry").toString() : body;
        if (expected == Outcome.NOT_FOUND_IN_RESULTS && mustNotShow != null && results.contains(mustNotShow)) {
            return "the answer shows " + mustNotShow;
        }
        return null;
    }

    private static String abbreviate(String body) {
        return body.length() > 160 ? body.substring(0, 160) + "..." : body;
    }

    /** Sends the request with the caller's credentials: token, signature, login or none. */
    private HttpResponse<String> send(Caller caller, Request request) throws Exception {
        byte[] body = request.body() == null ? new byte[0] : request.body().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + request.path()))
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (request.body() != null && !request.body().isEmpty()) {
            builder.header("Content-Type", request.path().startsWith("/fhir") ? "application/fhir+json" : "application/json");
        }
        switch (caller) {
            case OWNING_GP -> owningGp.authorize(builder);
            case OWNING_GP_READ_ONLY -> readOnlyGp.authorize(builder);
            case OTHER_GP -> otherGp.authorize(builder);
            case ROUTED_VCS -> sign(builder, routedVcs, SECRETS.get(routedVcs), body);
            case OTHER_VCS -> sign(builder, otherVcs, SECRETS.get(otherVcs), body);
            case FORGED_VCS -> sign(builder, routedVcs, SECRETS.get(otherVcs), body);
            case IG_LEAD -> builder.header("Authorization", Logins.basic("ig-lead", demo.passwords().get("ig-lead")));
            case OPERATOR -> builder.header("Authorization", Logins.basic("operator", demo.passwords().get("operator")));
            case ANONYMOUS -> {
            }
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void sign(HttpRequest.Builder builder, String organisation, String secret, byte[] body) {
        String id = "msg_" + UUID.randomUUID();
        long now = Instant.now().getEpochSecond();
        builder.header("webhook-organisation", organisation).header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", StandardWebhooks.signV1(secret, id, now, body));
    }
}
