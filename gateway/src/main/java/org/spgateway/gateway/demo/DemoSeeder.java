package org.spgateway.gateway.demo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spgateway.gateway.security.SmartTokens;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * With {@code spgateway.demo.seed=true} (what {@code ./run.sh} passes), sends the example referral
 * (docs/examples/referral-bundle.json: Margaret Smith, NHS number 9000000009, to the link-worker service) through the
 * gateway's own FHIR endpoint on the first start, exactly as a GP system would, so the audit log, the IG pages and
 * the VCS inbox have something to show. It does nothing once the store holds a referral.
 */
@Component
@Order(100)
public class DemoSeeder {

    private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);

    private final boolean seed;
    private final JdbcTemplate jdbc;
    private final Environment environment;

    private final SmartTokens tokens;

    public DemoSeeder(@Value("${spgateway.demo.seed:false}") boolean seed, JdbcTemplate jdbc, Environment environment,
                      SmartTokens tokens) {
        this.seed = seed;
        this.tokens = tokens;
        this.jdbc = jdbc;
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void seed() throws IOException, InterruptedException {
        if (!seed) {
            return;
        }
        Integer referrals = jdbc.queryForObject("SELECT COUNT(*) FROM fhir_resource WHERE resource_type = 'ServiceRequest'", Integer.class);
        if (referrals != null && referrals > 0) {
            return;
        }
        byte[] bundle;
        try (InputStream in = DemoSeeder.class.getResourceAsStream("/demo/referral-bundle.json")) {
            if (in == null) {
                throw new IllegalStateException("demo/referral-bundle.json is missing from the jar");
            }
            bundle = in.readAllBytes();
        }
        String base = "http://localhost:" + environment.getProperty("local.server.port", "8080");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // as the demo GP system would: SMART Backend Services token first, then the referral
        String assertion = tokens.demoAssertion(base + "/oauth/token");
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_assertion_type="
                        + "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" + assertion
                        + "&scope=system%2F*.write")).build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            log.warn("Demo data: the demo GP client could not get a token (HTTP {}); is spgateway.security.smart.demo-client on?",
                    token.statusCode());
            return;
        }
        String accessToken = new com.fasterxml.jackson.databind.ObjectMapper().readTree(token.body()).get("access_token").asText();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/fhir")).header("Authorization", "Bearer " + accessToken)
                        .header("Content-Type", "application/fhir+json").timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bundle)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 == 2) {
            log.info("Demo data: the example referral (docs/examples/referral-bundle.json) was sent through /fhir");
        } else {
            log.warn("Demo data: the example referral was refused with HTTP {}", response.statusCode());
        }
    }
}
