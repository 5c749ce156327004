package org.spgateway.conformance.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import org.spgateway.conformance.GatewayProcess;

/**
 * What an operator (or an IG lead) does over HTTP with the embedded default's demo logins (HTTP Basic, passwords
 * from the data directory's {@code demo-accounts.properties}).
 */
final class Operator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayProcess gateway;
    private final String login;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Operator(GatewayProcess gateway) {
        this(gateway, "operator");
    }

    Operator(GatewayProcess gateway, String login) {
        this.gateway = gateway;
        this.login = login;
    }

    /** The IG lead, who verifies the audit log. */
    static Operator igLead(GatewayProcess gateway) {
        return new Operator(gateway, "ig-lead");
    }

    private String authorization() throws Exception {
        Properties accounts = new Properties();
        try (InputStream in = Files.newInputStream(gateway.dataDir().resolve("demo-accounts.properties"))) {
            accounts.load(in);
        }
        return "Basic " + Base64.getEncoder().encodeToString((login + ":" + accounts.getProperty(login)).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization()).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The dead letters the gateway lists. */
    JsonNode deadLetters() throws Exception {
        return JSON.readTree(get("/operator/dead-letters").body()).path("deadLetters");
    }

    /** The audit log's verification ({@code GET /ig/v1/audit/verify}, as the IG lead). */
    JsonNode auditVerification() throws Exception {
        HttpResponse<String> response = get("/ig/v1/audit/verify");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("audit verification answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The readiness details an operator sees: database, backlog, dead letters. */
    JsonNode readiness() throws Exception {
        return JSON.readTree(get("/actuator/health/readiness").body());
    }
}
