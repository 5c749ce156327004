package org.spgateway.gateway.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.spgateway.gateway.GatewayApplication;
import org.spgateway.gateway.support.SmartClient;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A graceful shutdown (SIGTERM, a rolling restart) lets the delivery in flight finish and records its outcome before
 * the database closes: the receiver is answering slowly when the gateway is told to stop, and afterwards the message
 * is recorded as delivered, once, not left claimed for another node to send again.
 */
class GracefulShutdownIT {

    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString("graceful-shutdown-secret-0123".getBytes());

    @Test
    void theDeliveryInFlightWhenTheGatewayIsStoppedFinishesAndIsRecorded() throws Exception {
        receiver.stubFor(post(urlPathEqualTo("/hooks/slow")).willReturn(aResponse().withStatus(204).withFixedDelay(3000)));
        // as command-line arguments: they override application.yml (default properties would not replace its lists)
        ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class).run(Stream.of(
                "server.port=0",
                "spgateway.data-dir=./target/it-data/" + UUID.randomUUID(),
                "spgateway.demo.seed=false",
                "spgateway.delivery.poll-interval=100ms",
                "spgateway.directory.services[0].id=push-slow",
                "spgateway.directory.services[0].name=Slow receiver",
                "spgateway.directory.services[0].role=link-worker-service",
                "spgateway.directory.services[0].delivery=push",
                "spgateway.directory.services[0].webhook-url=" + receiver.baseUrl() + "/hooks/slow",
                "spgateway.directory.services[0].signing-secrets[0]=" + SECRET,
                "spgateway.directory.practices[0].id=practice-elm-street",
                "spgateway.directory.practices[0].ods-code=B86001",
                "spgateway.directory.practices[0].name=Elm Street Surgery",
                "spgateway.directory.practices[1].id=practice-oak-lane",
                "spgateway.directory.practices[1].ods-code=B86002",
                "spgateway.directory.practices[1].name=Oak Lane Medical Centre").map(p -> "--" + p)
                // the PostgreSQL run: a fresh database, as the Spring test contexts get one
                .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), args -> {
                    args.addAll(org.spgateway.gateway.support.TestPostgres.argsForAFreshDatabase());
                    return args;
                })).toArray(String[]::new));
        Environment env = gateway.getEnvironment();
        String url = env.getProperty("spring.datasource.url");
        String user = env.getProperty("spring.datasource.username");
        String password = env.getProperty("spring.datasource.password");
        int port = Integer.parseInt(env.getProperty("local.server.port"));
        JdbcTemplate jdbc = gateway.getBean(JdbcTemplate.class);

        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(5).getResource();
        sr.getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        sr.addPerformer(new Reference("Organization/push-slow"));
        HttpResponse<String> created = HttpClient.newHttpClient().send(SmartClient.testGp(port).authorize(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/fhir"))).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(CTX.newJsonParser().encodeResourceToString(bundle))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String referral = CTX.newJsonParser().parseResource(Bundle.class, created.body()).getEntry().get(5).getResponse()
                .getLocation().split("/")[1];

        // the webhook is claimed and on its way; the receiver takes 3 s to answer
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM outbox_message"
                + " WHERE referral_id = ? AND destination = 'push-slow' AND lease_owner IS NOT NULL", Integer.class, referral) > 0);
        Thread.sleep(1000);
        gateway.close();

        try (Connection db = DriverManager.getConnection(url, user, password);
             ResultSet rs = db.createStatement().executeQuery("SELECT status, attempts, last_http_status FROM outbox_message"
                     + " WHERE referral_id = '" + referral + "' AND destination = 'push-slow'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("the delivery in flight was finished and recorded").isEqualTo("delivered");
            assertThat(rs.getInt(2)).isEqualTo(1);
            assertThat(rs.getInt(3)).isEqualTo(204);
        }
        receiver.verify(1, postRequestedFor(urlPathEqualTo("/hooks/slow")));
    }
}
