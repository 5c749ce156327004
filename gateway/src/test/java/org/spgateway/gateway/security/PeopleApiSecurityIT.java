package org.spgateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.support.Logins;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The IG and operator JSON APIs: every endpoint refuses anonymous callers and wrong passwords (401, problem+json,
 * audited as auth.failed), refuses the wrong role (403, audited as authz.denied), and answers the right role. A
 * configured account (encoded password) works beside the demo accounts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}",
                "spgateway.security.accounts[0].username=alice",
                // "alice-secret", bcrypt-encoded as `--hash-password` prints it
                "spgateway.security.accounts[0].password={bcrypt}$2a$10$BwBoHsydWS05DPzQS2ikkOqLqRQZOrioV0ctVzqn6Aq/U8HzIBJQS",
                "spgateway.security.accounts[0].roles=IG_LEAD,OPERATOR"})
class PeopleApiSecurityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> IG = List.of("/ig/v1/audit", "/ig/v1/audit.csv", "/ig/v1/audit/verify",
            "/ig/v1/patients/p1/disclosures", "/ig/v1/dry-run?referral=x&organisation=vcs-walking-group");
    private static final List<String> OPERATOR = List.of("/operator/dead-letters");

    @Value("${local.server.port}")
    int port;

    @Autowired
    Accounts.DemoAccounts demo;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int audited(String type, String like) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = ? AND details LIKE ?",
                Integer.class, type, like);
    }

    @Test
    void anonymousCallersAndWrongPasswordsGet401AndFailedLoginsAreAudited() throws Exception {
        for (String path : concat(IG, OPERATOR)) {
            HttpResponse<String> anonymous = get(path, null);
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Basic");
            assertThat(anonymous.headers().firstValue("Set-Cookie")).as("the APIs keep no session").isEmpty();
        }
        int before = audited("auth.failed", "%\"claimedUser\":\"ig-lead\"%");
        HttpResponse<String> wrong = get("/ig/v1/audit", Logins.basic("ig-lead", "guess"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(audited("auth.failed", "%\"claimedUser\":\"ig-lead\"%")).isEqualTo(before + 1);
        assertThat(jdbc.queryForList("SELECT details FROM audit_record WHERE event_type = 'auth.failed'", String.class))
                .noneMatch(d -> d.contains("guess"));
    }

    @Test
    void eachRoleReachesOnlyItsOwnApis() throws Exception {
        String igLead = Logins.basic("ig-lead", demo.passwords().get("ig-lead"));
        String operator = Logins.basic("operator", demo.passwords().get("operator"));
        for (String path : IG) {
            assertThat(get(path, igLead).statusCode()).as("IG lead on " + path).isIn(200, 404);
            HttpResponse<String> denied = get(path, operator);
            assertThat(denied.statusCode()).as("operator on " + path).isEqualTo(403);
            assertThat(JSON.readTree(denied.body()).at("/type").asText()).endsWith("/forbidden");
        }
        for (String path : OPERATOR) {
            assertThat(get(path, operator).statusCode()).as("operator on " + path).isEqualTo(200);
            assertThat(get(path, igLead).statusCode()).as("IG lead on " + path).isEqualTo(403);
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'authz.denied'"
                + " AND actor = 'user:operator' AND details LIKE '%/ig/v1/audit%'", Integer.class)).isPositive();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'authz.denied'"
                + " AND actor = 'user:ig-lead' AND details LIKE '%/operator/dead-letters%'", Integer.class)).isPositive();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'audit.read'"
                + " AND actor = 'ig-lead:ig-lead'", Integer.class)).isPositive();
    }

    @Test
    void aConfiguredAccountWithAnEncodedPasswordLogsIn() throws Exception {
        String alice = Logins.basic("alice", "alice-secret");
        assertThat(get("/ig/v1/audit/verify", alice).statusCode()).isEqualTo(200);
        assertThat(get("/operator/dead-letters", alice).statusCode()).isEqualTo(200);
        assertThat(get("/ig/v1/audit/verify", Logins.basic("alice", "alice-secret ")).statusCode()).isEqualTo(401);
    }

    @Test
    void healthIsOpenAndTheMachineEndpointsAreNotBehindALogin() throws Exception {
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/fhir/metadata", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/env", Logins.basic("ig-lead", demo.passwords().get("ig-lead"))).statusCode())
                .as("actuator beyond health is for operators").isEqualTo(403);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
