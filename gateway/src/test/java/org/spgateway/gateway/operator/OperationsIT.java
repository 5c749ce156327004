package org.spgateway.gateway.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.security.Accounts;
import org.spgateway.gateway.support.Logins;
import org.spgateway.gateway.support.SmartClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What an operator's monitoring sees: readiness including the database and the delivery state, the backlog and dead
 * letters in the health details (for operators only) and as Prometheus gauges, referrals by status.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
class OperationsIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Value("${local.server.port}")
    int port;

    @Autowired
    Accounts.DemoAccounts demo;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (user != null) {
            request.header("Authorization", Logins.basic(user, demo.passwords().get(user)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String referral() throws Exception {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        HttpResponse<String> response = http.send(SmartClient.testGp(port).authorize(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/fhir"))).header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(CTX.newJsonParser().encodeResourceToString(bundle))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return CTX.newJsonParser().parseResource(Bundle.class, response.body()).getEntry().get(5).getResponse().getLocation().split("/")[1];
    }

    private static double gauge(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.Ee+-]+)$").matcher(exposition);
        assertThat(m.find()).as("series %s in the exposition", series).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void readinessIsOpenToProbesAndTheDetailsAreForOperators() throws Exception {
        HttpResponse<String> probe = get("/actuator/health/readiness", null);
        assertThat(probe.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(probe.body()).path("status").asText()).isEqualTo("UP");
        assertThat(JSON.readTree(probe.body()).has("components")).as("no details for an anonymous probe").isFalse();
        assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);

        referral();
        JsonNode health = JSON.readTree(get("/actuator/health/readiness", "operator").body());
        assertThat(health.at("/components/db/status").asText()).isEqualTo("UP");
        JsonNode delivery = health.at("/components/delivery");
        assertThat(delivery.path("status").asText()).isEqualTo("UP");
        assertThat(delivery.at("/details/backlog").has("vcs-webhook")).isTrue();
        assertThat(delivery.at("/details/deadLetters").isInt()).isTrue();
        assertThat(JSON.readTree(get("/actuator/health", "ig-lead").body()).has("components"))
                .as("an IG lead is not an operator").isFalse();
    }

    @Test
    void prometheusShowsTheBacklogDeadLettersAndReferralsByStatusToOperatorsOnly() throws Exception {
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", "ig-lead").statusCode()).isEqualTo(403);
        String referral = referral();
        // the demo services are pull-mode: the referral waits in an inbox until the service acknowledges it
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = get("/actuator/prometheus", "operator").body();
            assertThat(gauge(metrics, "spgateway_delivery_backlog{channel=\"vcs-inbox\"}")).isGreaterThanOrEqualTo(1);
            double referrals = 0;
            for (String status : new String[] {"draft", "requested", "received", "accepted", "ready", "in-progress",
                    "on-hold", "completed", "rejected", "cancelled", "failed", "entered-in-error"}) {
                referrals += gauge(metrics, "spgateway_referrals{status=\"" + status + "\"}");
            }
            assertThat(referrals).isGreaterThanOrEqualTo(1);
        });
        double deadBefore = gauge(get("/actuator/prometheus", "operator").body(), "spgateway_delivery_dead_letters");
        jdbc.update("UPDATE outbox_message SET status = 'dead' WHERE referral_id = ?", referral);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String metrics = get("/actuator/prometheus", "operator").body();
            assertThat(gauge(metrics, "spgateway_delivery_dead_letters")).isGreaterThan(deadBefore);
            assertThat(metrics).contains("spgateway_delivery_oldest_pending_seconds");
        });
    }

    @Test
    void anOperatorTakesAnOnlineBackupThatRestoresToTheSameRecordsAndAuditHead() throws Exception {
        referral();
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/operator/backup"))
                .POST(HttpRequest.BodyPublishers.noBody());
        assertThat(http.send(post.copy().header("Authorization", Logins.basic("ig-lead", demo.passwords().get("ig-lead"))).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        HttpResponse<String> response = http.send(post.copy().header("Authorization",
                Logins.basic("operator", demo.passwords().get("operator"))).build(), HttpResponse.BodyHandlers.ofString());
        String product = jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName());
        if (!"H2".equalsIgnoreCase(product)) {
            assertThat(response.statusCode()).as("on %s the database's own tools back up", product).isEqualTo(409);
            assertThat(response.body()).contains("pg_dump");
            return;
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        Path zip = Path.of(answer.path("file").asText());
        assertThat(zip).exists();
        assertThat(answer.path("bytes").asLong()).isEqualTo(Files.size(zip));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM audit_record WHERE event_type = 'backup.created'", Integer.class))
                .isEqualTo(1);

        // restore: unzip into an empty directory and open it as the gateway would
        Path restored = Files.createTempDirectory(Path.of("target"), "restore-");
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Files.copy(in, restored.resolve(Path.of(e.getName()).getFileName()));
            }
        }
        int resourcesAtBackup = jdbc.queryForObject("SELECT COUNT(*) FROM fhir_resource", Integer.class);
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:h2:file:" + restored.toAbsolutePath()
                + "/spgateway;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;IFEXISTS=TRUE", "sa", "");
             java.sql.Statement st = db.createStatement()) {
            try (java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM fhir_resource")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(resourcesAtBackup);
            }
            long headSeq = answer.at("/auditHead/seq").asLong();
            try (java.sql.ResultSet rs = st.executeQuery("SELECT hash FROM audit_record WHERE seq = " + headSeq)) {
                assertThat(rs.next()).as("the audit head at backup time is in the copy").isTrue();
                assertThat(rs.getString(1)).isEqualTo(answer.at("/auditHead/hash").asText());
            }
        }
    }
}
