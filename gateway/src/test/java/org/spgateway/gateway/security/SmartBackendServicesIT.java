package org.spgateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.support.Referrals;
import org.spgateway.gateway.support.SmartClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * SMART Backend Services as a GP system meets it: discovery, the token endpoint's checks on client assertions
 * (signature, audience, expiry, the five-minute cap, jti replay), scopes, and confinement of each practice's client
 * to its own practice's records, walked as a matrix of caller x resource x action.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
class SmartBackendServicesIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    private String base() {
        return "http://localhost:" + port;
    }

    private HttpResponse<String> fhir(String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/fhir" + path.replace("|", "%7C")))
                .header("Accept", "application/fhir+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/fhir+json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int audited(String type) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = ?", Integer.class, type);
    }

    @Test
    void discoveryAdvertisesTheTokenEndpointAndTheCapabilityStatementDeclaresSmart() throws Exception {
        for (String path : List.of("/fhir/.well-known/smart-configuration", "/.well-known/smart-configuration")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            JsonNode config = JSON.readTree(response.body());
            assertThat(config.at("/token_endpoint").asText()).isEqualTo(base() + "/oauth/token");
            assertThat(config.at("/token_endpoint_auth_methods_supported").toString()).contains("private_key_jwt");
            assertThat(config.at("/token_endpoint_auth_signing_alg_values_supported").toString()).contains("RS384", "ES384");
            assertThat(config.at("/capabilities").toString()).contains("client-confidential-asymmetric");
        }
        HttpResponse<String> metadata = fhir("GET", "/metadata", null, null);
        assertThat(metadata.statusCode()).as("the CapabilityStatement is public").isEqualTo(200);
        CapabilityStatement cs = CTX.newJsonParser().parseResource(CapabilityStatement.class, metadata.body());
        var security = cs.getRestFirstRep().getSecurity();
        assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
        assertThat(security.getDescription()).contains(base() + "/oauth/token");
        // not the oauth-uris extension: its definition requires an authorize endpoint, which Backend Services has not
        assertThat(security.getExtensionByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")).isNull();
    }

    @Test
    void everyFhirRequestButTheCapabilityStatementNeedsAValidToken() throws Exception {
        String bundle = CTX.newJsonParser().encodeResourceToString(Referrals.valid().transaction());
        int before = jdbc.queryForObject("SELECT COUNT(*) FROM fhir_resource", Integer.class);
        for (String[] call : new String[][] {{"GET", "/ServiceRequest"}, {"GET", "/Task/x"}, {"POST", ""}}) {
            HttpResponse<String> response = fhir(call[0], call[1], call[0].equals("POST") ? bundle : null, null);
            assertThat(response.statusCode()).as(call[0] + " " + call[1]).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
            assertThat(response.body()).contains("\"resourceType\":\"OperationOutcome\"").contains("/oauth/token");
        }
        String token = SmartClient.testGp(port).token();
        String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThat(fhir("GET", "/ServiceRequest", null, "Bearer " + forged).statusCode()).isEqualTo(401);
        assertThat(fhir("GET", "/ServiceRequest", null, "Bearer not-a-token").statusCode()).isEqualTo(401);
        assertThat(fhir("POST", "", bundle, "Basic dGVzdDp0ZXN0").statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM fhir_resource", Integer.class)).as("nothing stored").isEqualTo(before);
        assertThat(fhir("GET", "/ServiceRequest", null, "Bearer " + token).statusCode()).isEqualTo(200);
    }

    @Test
    void theTokenEndpointChecksEveryRuleOfTheClientAssertion() throws Exception {
        SmartClient gp = SmartClient.testGp(port);
        String aud = gp.tokenUrl();
        Instant soon = Instant.now().plusSeconds(120);

        // both registered keys work (RS384 and ES384): rotation keeps two keys valid at once
        for (String kid : List.of("test-gp-rsa-1", "test-gp-ec-1")) {
            HttpResponse<String> ok = gp.requestToken(SmartClient.assertion("test-gp", kid, aud, soon, UUID.randomUUID().toString()),
                    "system/Task.read system/ServiceRequest.write");
            assertThat(ok.statusCode()).as(kid).isEqualTo(200);
            JsonNode body = JSON.readTree(ok.body());
            assertThat(body.at("/token_type").asText()).isEqualTo("bearer");
            assertThat(body.at("/expires_in").asLong()).isBetween(1L, 300L);
            assertThat(body.at("/scope").asText()).isEqualTo("system/Task.read system/ServiceRequest.write");
            assertThat(ok.headers().firstValue("Cache-Control").orElseThrow()).isEqualTo("no-store");
        }

        int failures = audited("auth.failed");
        String jti = UUID.randomUUID().toString();
        assertThat(gp.requestToken(gp.assertion(aud, soon, jti), "system/Task.read").statusCode()).isEqualTo(200);
        assertRefused(gp.requestToken(gp.assertion(aud, soon, jti), "system/Task.read"), 401, "invalid_client", "jti");
        assertRefused(gp.requestToken(gp.assertion(aud, Instant.now().plusSeconds(600), UUID.randomUUID().toString()),
                "system/Task.read"), 401, "invalid_client", "5 minutes");
        assertRefused(gp.requestToken(gp.assertion(aud, Instant.now().minusSeconds(120), UUID.randomUUID().toString()),
                "system/Task.read"), 401, "invalid_client", "expired");
        assertRefused(gp.requestToken(gp.assertion("https://elsewhere.example/token", soon, UUID.randomUUID().toString()),
                "system/Task.read"), 401, "invalid_client", "aud");
        assertRefused(gp.requestToken(SmartClient.assertion("test-gp", "test-gp-ec-2", aud, soon, UUID.randomUUID().toString()),
                "system/Task.read"), 401, "invalid_client", "signature");
        assertRefused(gp.requestToken(SmartClient.assertion("test-gp", "other-gp-ec-1", aud, soon, UUID.randomUUID().toString()),
                "system/Task.read"), 401, "invalid_client", "signature");
        assertRefused(gp.requestToken(SmartClient.assertion("nobody", "test-gp-ec-1", aud, soon, UUID.randomUUID().toString()),
                "system/Task.read"), 401, "invalid_client", "registered");
        assertRefused(gp.requestToken(gp.assertion(aud, soon, UUID.randomUUID().toString()), "patient/*.read"),
                400, "invalid_scope", "scope");
        SmartClient other = SmartClient.of(port, "other-gp", "other-gp-ec-1", "");
        assertRefused(other.requestToken(other.assertion(aud, soon, UUID.randomUUID().toString()), "system/AuditEvent.write"),
                400, "invalid_scope", "registered");
        assertThat(audited("auth.failed")).isEqualTo(failures + 9);
    }

    private static void assertRefused(HttpResponse<String> response, int status, String error, String mentions) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.at("/error").asText()).isEqualTo(error);
        assertThat(body.at("/error_description").asText()).contains(mentions);
        assertThat(body.has("access_token")).isFalse();
    }

    @Test
    void scopesLimitWhatATokenMayDo() throws Exception {
        SmartClient readOnly = SmartClient.of(port, "test-gp", "test-gp-ec-1", "system/Task.read");
        String bundle = CTX.newJsonParser().encodeResourceToString(Referrals.valid().transaction());
        int denied = audited("authz.denied");
        HttpResponse<String> refused = fhir("POST", "", bundle, readOnly.authorization());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("OperationOutcome").contains("system/Patient.write");
        assertThat(fhir("POST", "/ServiceRequest", CTX.newJsonParser().encodeResourceToString(
                Referrals.valid().serviceRequestFor("Patient/x")), readOnly.authorization()).statusCode()).isEqualTo(403);
        assertThat(fhir("GET", "/ServiceRequest", null, readOnly.authorization()).statusCode()).isEqualTo(403);
        assertThat(fhir("GET", "/Task", null, readOnly.authorization()).statusCode()).isEqualTo(200);
        assertThat(audited("authz.denied")).isEqualTo(denied + 3);
    }

    @Test
    void eachPracticeSeesAndWritesOnlyItsOwnReferrals() throws Exception {
        SmartClient elm = SmartClient.testGp(port);
        SmartClient oak = SmartClient.of(port, "other-gp", "other-gp-ec-1",
                "system/ServiceRequest.write system/ServiceRequest.read system/Patient.write system/Patient.read system/Task.read");
        Referrals referral = Referrals.valid().withNhsNumber("9434765870");
        String bundle = CTX.newJsonParser().encodeResourceToString(referral.transaction());
        HttpResponse<String> created = fhir("POST", "", bundle, elm.authorization());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        Bundle response = CTX.newJsonParser().parseResource(Bundle.class, created.body());
        String patient = response.getEntry().get(0).getResponse().getLocation().split("/")[1];
        String serviceRequest = response.getEntry().get(1).getResponse().getLocation().split("/")[1];
        String task = jdbc.queryForObject("SELECT task_id FROM referral_route WHERE referral_id = ?", String.class, serviceRequest);

        // caller x resource x action: the owning practice reaches everything, the other practice nothing
        String[][] reads = {
                {"/ServiceRequest/" + serviceRequest, "read"}, {"/ServiceRequest/" + serviceRequest + "/_history", "history"},
                {"/Task/" + task, "read"}, {"/Patient/" + patient, "read"},
                {"/ServiceRequest?identifier=" + Referrals.REFERRAL_IDS + "|" + referral.identifierValue(), "search"},
                {"/Task?focus=ServiceRequest/" + serviceRequest, "search"},
                {"/Patient?identifier=" + Referrals.NHS + "|9434765870", "search"}};
        for (String[] read : reads) {
            HttpResponse<String> own = fhir("GET", read[0], null, elm.authorization());
            HttpResponse<String> foreign = fhir("GET", read[0], null, oak.authorization());
            assertThat(own.statusCode()).as("own practice: " + read[0]).isEqualTo(200);
            if (read[1].equals("search")) {
                assertThat(JSON.readTree(own.body()).at("/total").asInt()).as("own: " + read[0]).isEqualTo(1);
                assertThat(foreign.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(foreign.body()).at("/total").asInt()).as("other practice: " + read[0]).isZero();
                assertThat(JSON.readTree(foreign.body()).has("entry")).isFalse();
            } else {
                assertThat(foreign.statusCode()).as("other practice: " + read[0]).isEqualTo(404);
                assertThat(foreign.body()).doesNotContain("9434765870").doesNotContain(referral.identifierValue());
            }
        }

        // writes: updating another practice's referral is as if it did not exist; reusing its identifier is refused
        String sr = fhir("GET", "/ServiceRequest/" + serviceRequest, null, elm.authorization()).body();
        assertThat(fhir("PUT", "/ServiceRequest/" + serviceRequest, sr, oak.authorization()).statusCode()).isEqualTo(404);
        HttpResponse<String> reuse = fhir("POST", "", bundle, oak.authorization());
        assertThat(reuse.statusCode()).isEqualTo(409);
        assertThat(reuse.body()).doesNotContain(serviceRequest).doesNotContain(patient);
        assertThat(fhir("GET", "/ServiceRequest/" + serviceRequest, null, elm.authorization()).body())
                .as("the owner's referral is unchanged").isEqualTo(sr);

        // the other practice's own referral for the same person is its own, separate record
        HttpResponse<String> own = fhir("POST", "", CTX.newJsonParser().encodeResourceToString(
                Referrals.valid().withNhsNumber("9434765870").transaction()), oak.authorization());
        assertThat(own.statusCode()).isEqualTo(200);
        String oakPatient = CTX.newJsonParser().parseResource(Bundle.class, own.body()).getEntry().get(0).getResponse()
                .getLocation().split("/")[1];
        assertThat(oakPatient).isNotEqualTo(patient);
        assertThat(fhir("GET", "/Patient/" + oakPatient, null, elm.authorization()).statusCode()).isEqualTo(404);
    }
}
