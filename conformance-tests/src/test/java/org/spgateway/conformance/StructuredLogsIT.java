package org.spgateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway started as an operator would for production logging ({@code --logging.structured.format.console=ecs}):
 * every log line is one JSON object, the lines of a request carry its {@code X-Request-Id} as {@code requestId},
 * the answer repeats it, and no line holds the patient's name or NHS number.
 */
class StructuredLogsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonLogLinesCarryTheRequestIdAndNoPatientData() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start("--logging.structured.format.console=ecs")) {
            GpSystem gp = new GpSystem(gateway);
            String id = "conf-" + UUID.randomUUID().toString().substring(0, 8);
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.fhirBase()))
                    .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + gp.token())
                    .header("Content-Type", "application/fhir+json").header("X-Request-Id", id)
                    .POST(HttpRequest.BodyPublishers.ofString(GpSystem.FHIR.newJsonParser().encodeResourceToString(
                            GpSystem.referralBundle("REF-" + UUID.randomUUID())))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Request-Id")).contains(id);

            List<JsonNode> mine = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (mine.isEmpty() && System.nanoTime() < deadline) {
                for (String line : gateway.logLines()) {
                    if (line.startsWith("{") && line.contains(id)) {
                        mine.add(JSON.readTree(line));
                    }
                }
                if (mine.isEmpty()) {
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            }
            assertThat(mine).as("JSON lines of the request").isNotEmpty()
                    .allSatisfy(l -> assertThat(l.path("requestId").asText()).isEqualTo(id))
                    .anyMatch(l -> l.path("message").asText().equals("POST /fhir 200 " + l.path("message").asText().split(" ")[3] + " ms"));
            List<String> logged = gateway.logLines();
            assertThat(logged.stream().filter(l -> l.contains("\"log\":{\"level\"")).count())
                    .as("the gateway's own lines are JSON").isGreaterThan(10);
            assertThat(String.join("\n", logged)).doesNotContain("Margaret", "9434765919");
        }
    }
}
