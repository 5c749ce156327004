package org.spgateway.conformance;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spgateway.ig.IgValidator;

/**
 * Everything the gateway emits, collected from the running jar after a referral has gone round the whole loop, is
 * checked with the HL7 FHIR validator (the published package loaded, R4 core): no errors, and no warning that
 * {@link IgValidator#ACCEPTED_WARNINGS} does not explain. Emitted means: the Task and every version of it, the outcome
 * Observations, the AuditEvents, the CapabilityStatement, OperationOutcomes of each kind of error, the directory, the
 * IG's own resources, search and transaction-response Bundles, and every body pushed to the GP system's endpoint.
 */
class EmittedResourcesIT {

    private static LoopWorld world;
    private static IgValidator validator;
    private static LoopWorld.Completed done;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        world = LoopWorld.get();
        validator = new IgValidator(GpSystem.FHIR);
        done = world.completedReferral();
    }

    @Test
    void everyResourceTheGatewayServesOrPushesValidates() throws Exception {
        Map<String, String> emitted = new LinkedHashMap<>();
        GpSystem gp = world.gp;
        emitted.put("Task", ok(gp.get("/Task/" + done.taskId())));
        // Bodies are validated as sent (every version inside the history Bundle, every match inside a searchset)
        String history = ok(gp.get("/Task/" + done.taskId() + "/_history"));
        assertThat(GpSystem.FHIR.newJsonParser().parseResource(Bundle.class, history).getEntry()).hasSizeGreaterThan(4);
        emitted.put("Task history", history);
        String observations = ok(gp.get("/Observation?based-on=ServiceRequest/" + done.referralId()));
        assertThat(GpSystem.FHIR.newJsonParser().parseResource(Bundle.class, observations).getEntry()).hasSize(4);
        emitted.put("Observation search", observations);
        String audit = ok(gp.get("/AuditEvent?patient=Patient/" + done.patientId()));
        assertThat(GpSystem.FHIR.newJsonParser().parseResource(Bundle.class, audit).getEntry()).isNotEmpty();
        emitted.put("AuditEvent search", audit);
        emitted.put("CapabilityStatement", ok(gp.get("/metadata")));
        emitted.put("Organization (practice)", ok(gp.get("/Organization/practice-elm-street")));
        emitted.put("Organization (service)", ok(gp.get("/Organization/community-links")));
        emitted.put("HealthcareService search", ok(gp.get("/HealthcareService")));
        emitted.put("Endpoint", ok(gp.get("/Endpoint/community-links-endpoint")));
        emitted.put("StructureDefinition", ok(gp.get("/StructureDefinition/sp-referral-task")));
        emitted.put("CodeSystem search", ok(gp.get("/CodeSystem?url=https://spgateway.org/fhir/CodeSystem/referral-business-status")));
        emitted.put("ValueSet", ok(gp.get("/ValueSet/referral-business-status")));
        emitted.put("ImplementationGuide", ok(gp.get("/ImplementationGuide/spgateway")));
        emitted.put("transaction-response", world.gp.postTransaction(GpSystem.referralBundle("emitted-" + System.nanoTime())).body());
        emitted.put("OperationOutcome 400 malformed", gp.post("/Patient", "{\"resourceType\":", "application/fhir+json").body());
        emitted.put("OperationOutcome 404", gp.get("/Task/no-such-task").body());
        emitted.put("OperationOutcome 422 invalid", gp.post("/Patient", "{\"resourceType\":\"Patient\",\"gender\":\"often\"}",
                "application/fhir+json").body());
        emitted.put("OperationOutcome 400 search", gp.get("/Task?bogus=1").body());
        emitted.put("OperationOutcome 405", send("DELETE", "/Task/" + done.taskId(), true));
        emitted.put("OperationOutcome 401", send("GET", "/Task", false));

        await().atMost(Duration.ofSeconds(60)).until(() -> pushes().stream().anyMatch(p -> p.contains("\"completed\"")));
        List<String> pushed = pushes();
        for (int i = 0; i < pushed.size(); i++) {
            emitted.put("GP push " + i, pushed.get(i));
        }

        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : emitted.entrySet()) {
            ValidationResult result = validator.validate(e.getValue());
            for (SingleValidationMessage m : IgValidator.errors(result)) {
                problems.add(e.getKey() + ": ERROR " + m.getLocationString() + " " + m.getMessage());
            }
            for (SingleValidationMessage m : IgValidator.unexplainedWarnings(result)) {
                problems.add(e.getKey() + ": WARNING " + m.getLocationString() + " " + m.getMessage());
            }
        }
        assertThat(problems).as("validated %d emitted resources", emitted.size()).isEmpty();
    }

    @Test
    void theGatewaysTasksAndObservationsClaimTheirProfiles() throws Exception {
        Task task = GpSystem.FHIR.newJsonParser().parseResource(Task.class, ok(world.gp.get("/Task/" + done.taskId())));
        assertThat(task.getMeta().getProfile()).extracting(p -> p.getValue())
                .containsExactly("https://spgateway.org/fhir/StructureDefinition/sp-referral-task");
        Bundle observations = world.gp.search("Observation", "based-on=ServiceRequest/" + done.referralId());
        assertThat(observations.getEntry()).extracting(e -> e.getResource().getMeta().getProfile().get(0).getValue())
                .containsExactlyInAnyOrder("https://spgateway.org/fhir/StructureDefinition/sp-outcome-ons4",
                        "https://spgateway.org/fhir/StructureDefinition/sp-outcome-swemwbs",
                        "https://spgateway.org/fhir/StructureDefinition/sp-outcome-wemwbs",
                        "https://spgateway.org/fhir/StructureDefinition/sp-outcome-goals");
    }

    private List<String> pushes() {
        return world.outside.findAll(anyRequestedFor(urlPathMatching("/gp/fhir/.*"))).stream()
                .map(r -> r.getBodyAsString()).filter(b -> b.contains(done.referralId()) || b.contains(done.taskId()))
                .toList();
    }

    private static String ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return response.body();
    }

    private String send(String method, String path, boolean authenticated) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(world.gateway.fhirBase() + path))
                .header("Accept", "application/fhir+json").method(method, HttpRequest.BodyPublishers.noBody());
        if (authenticated) {
            request.header("Authorization", "Bearer " + world.gp.token());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isBetween(400, 499);
        return response.body();
    }
}
