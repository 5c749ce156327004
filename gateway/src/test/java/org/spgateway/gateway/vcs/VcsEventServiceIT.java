package org.spgateway.gateway.vcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every event of the contract table (design.md 2) applied to a routed referral: the Task state it leads to,
 * idempotency by webhook-id, confinement to the routed organisation, stale and invalid events refused, outcomes
 * stored as Observations, and the GP push queued with each change.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spgateway.data-dir=./target/it-data/${random.uuid}",
        // a GP endpoint nobody listens on: pushes stay queued in the outbox for the test to read
        "spgateway.directory.practices[0].id=practice-elm-street",
        "spgateway.directory.practices[0].ods-code=B86001",
        "spgateway.directory.practices[0].name=Elm Street Surgery",
        "spgateway.directory.practices[0].gp-fhir-base=http://127.0.0.1:9/fhir",
        "spgateway.directory.practices[1].id=practice-oak-lane", "spgateway.directory.practices[1].ods-code=B86002",
        "spgateway.directory.practices[1].name=Oak Lane Medical Centre"})
class VcsEventServiceIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LINK_WORKERS = "vcs-leeds-link-workers";

    @Value("${local.server.port}")
    int port;

    @Autowired
    VcsEventService events;

    @Autowired
    JdbcTemplate jdbc;

    private IGenericClient client;
    private Instant clock = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeEach
    void client() {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(org.spgateway.gateway.support.SmartClient.testGp(port).hapi());
    }

    private String referral() throws Exception {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ((ServiceRequest) bundle.getEntry().get(5).getResource()).getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        Bundle response = client.transaction().withBundle(bundle).execute();
        return response.getEntry().get(5).getResource().getIdElement().getIdPart();
    }

    private String event(String type, String referralId) throws Exception {
        try (InputStream in = VcsEventServiceIT.class.getResourceAsStream("/org/spgateway/mappings/examples/v1/" + type + ".json")) {
            ObjectNode node = (ObjectNode) JSON.readTree(in);
            node.put("referralId", referralId);
            clock = clock.plusSeconds(60);
            node.put("occurredAt", clock.toString());
            return node.toString();
        }
    }

    private VcsEventService.Applied post(String type, String referralId) throws Exception {
        return events.apply(LINK_WORKERS, "msg_" + UUID.randomUUID(), event(type, referralId));
    }

    private Task task(String referralId) {
        return (Task) client.search().forResource(Task.class).where(Task.FOCUS.hasId("ServiceRequest/" + referralId))
                .returnBundle(Bundle.class).execute().getEntryFirstRep().getResource();
    }

    @ParameterizedTest(name = "{0} leads to {1} / {2}")
    @CsvSource({
            "referral.accepted, accepted, accepted",
            "referral.declined, rejected, declined",
            "referral.contacted, in-progress, contacted",
            "referral.unable-to-contact, on-hold, unable-to-contact",
            "referral.appointment-booked, in-progress, first-appointment-booked",
            "referral.cancelled, cancelled, cancelled-by-service"})
    void eachEventFromANewReferralSetsTheTaskAsTheContractSays(String type, String status, String businessStatus) throws Exception {
        String referral = referral();
        VcsEventService.Applied applied = post(type, referral);
        Task task = task(referral);
        assertThat(task.getStatus().toCode()).isEqualTo(status);
        assertThat(task.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo(businessStatus);
        assertThat(applied.taskStatus()).isEqualTo(status);
    }

    @ParameterizedTest(name = "after acceptance, {0} leads to {1} / {2}")
    @CsvSource({
            "referral.attending, in-progress, engaged",
            "referral.on-hold, on-hold, on-hold",
            "referral.completed, completed, completed"})
    void eventsThatNeedAnAcceptedReferral(String type, String status, String businessStatus) throws Exception {
        String referral = referral();
        post("referral.accepted", referral);
        post(type, referral);
        Task task = task(referral);
        assertThat(task.getStatus().toCode()).isEqualTo(status);
        assertThat(task.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo(businessStatus);
    }

    @Test
    void linkWorkerAssignmentChangesTheOwnerButNotTheStatus() throws Exception {
        String referral = referral();
        post("referral.accepted", referral);
        post("link-worker.assigned", referral);
        Task task = task(referral);
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
        assertThat(task.getOwner().getDisplay() + task.getOwner().getReference()).contains("Sam Patel").doesNotContain("null");
    }

    @Test
    void completionStoresOutcomeObservationsOnTheTaskAndQueuesEveryChangeForTheGp() throws Exception {
        String referral = referral();
        post("referral.accepted", referral);
        post("referral.completed", referral);
        Task task = task(referral);
        assertThat(task.getOutput()).hasSizeGreaterThanOrEqualTo(2);
        String observationRef = task.getOutput().stream().map(o -> ((org.hl7.fhir.r4.model.Reference) o.getValue()).getReference())
                .filter(r -> r.startsWith("Observation/")).findFirst().orElseThrow();
        Observation observation = client.read().resource(Observation.class).withId(observationRef).execute();
        assertThat(observation.getBasedOnFirstRep().getReference()).isEqualTo("ServiceRequest/" + referral);

        var pushed = jdbc.queryForList("SELECT target_path FROM outbox_message WHERE channel = 'gp-push' AND referral_id = ?"
                + " ORDER BY seq", String.class, referral);
        assertThat(pushed).contains("Task/" + task.getIdElement().getIdPart(), observationRef);
    }

    @Test
    void aRepeatedWebhookIdIsAppliedOnce() throws Exception {
        String referral = referral();
        String body = event("referral.accepted", referral);
        VcsEventService.Applied first = events.apply(LINK_WORKERS, "msg_same", body);
        VcsEventService.Applied second = events.apply(LINK_WORKERS, "msg_same", body);
        assertThat(first.duplicate()).isFalse();
        assertThat(second.duplicate()).isTrue();
        assertThat(task(referral).getMeta().getVersionId()).isEqualTo(
                client.history().onInstance(task(referral).getIdElement().toUnqualifiedVersionless()).returnBundle(Bundle.class)
                        .execute().getEntry().size() + "");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM inbound_event WHERE referral_id = ?", Integer.class, referral)).isEqualTo(1);
    }

    @Test
    void anotherOrganisationsReferralIsNotFound() throws Exception {
        String referral = referral();
        assertThatThrownBy(() -> events.apply("vcs-walking-group", "msg_x", event("referral.accepted", referral)))
                .isInstanceOfSatisfying(Problem.Exception.class, e -> assertThat(e.problem().status()).isEqualTo(HttpStatus.NOT_FOUND));
        assertThat(task(referral).getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
    }

    @Test
    void anInvalidTransitionIsRefusedAndChangesNothing() throws Exception {
        String referral = referral();
        post("referral.accepted", referral);
        post("referral.completed", referral);
        String version = task(referral).getMeta().getVersionId();
        assertThatThrownBy(() -> post("referral.contacted", referral))
                .isInstanceOfSatisfying(Problem.Exception.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(e.problem().type()).endsWith("invalid-transition");
                });
        assertThat(task(referral).getMeta().getVersionId()).isEqualTo(version);
    }

    @Test
    void aStaleEventCannotOverwriteNewerState() throws Exception {
        String referral = referral();
        String early = event("referral.contacted", referral);
        post("referral.accepted", referral);
        post("referral.appointment-booked", referral);
        assertThatThrownBy(() -> events.apply(LINK_WORKERS, "msg_late", early))
                .isInstanceOfSatisfying(Problem.Exception.class, e -> assertThat(e.problem().type()).endsWith("stale-event"));
        assertThat(task(referral).getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("first-appointment-booked");
    }

    @Test
    void anOutOfRangeScoreIsRefusedNamingTheField() throws Exception {
        String referral = referral();
        post("referral.accepted", referral);
        ObjectNode completed = (ObjectNode) JSON.readTree(event("referral.completed", referral));
        ((ObjectNode) completed.at("/outcomes/ons4")).put("anxiety", 11);
        assertThatThrownBy(() -> events.apply(LINK_WORKERS, "msg_bad", completed.toString()))
                .isInstanceOfSatisfying(Problem.Exception.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
                    assertThat(e.problem().errors()).anyMatch(m -> m.contains("anxiety"));
                });
        assertThat(task(referral).getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
    }

    @Test
    void concurrentEventsForOneReferralNeverLetTheOlderOneWin() throws Exception {
        java.util.List<String> wrong = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 12; i++) {
                String referral = referral();
                post("referral.accepted", referral);
                // the service sent "contacted" and then "on hold"; both arrive at once
                String older = event("referral.contacted", referral);
                String newer = event("referral.on-hold", referral);
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                java.util.List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
                for (String body : java.util.List.of(older, newer)) {
                    answers.add(two.submit(() -> {
                        together.await();
                        try {
                            return events.apply(LINK_WORKERS, "msg_" + UUID.randomUUID(), body).businessStatus();
                        } catch (Problem.Exception refused) {
                            return refused.problem().type();
                        }
                    }));
                }
                String olderAnswer = answers.get(0).get();
                String newerAnswer = answers.get(1).get();
                assertThat(newerAnswer).as("the newer event is applied").isEqualTo("on-hold");
                assertThat(olderAnswer.equals("contacted") || olderAnswer.endsWith("/stale-event"))
                        .as("the older event is applied before the newer, or refused as stale: %s", olderAnswer).isTrue();
                String finalState = task(referral).getBusinessStatus().getCodingFirstRep().getCode();
                if (!finalState.equals("on-hold")) {
                    wrong.add(referral + " ended " + finalState + " (older event answered " + olderAnswer + ")");
                }
            }
        } finally {
            two.shutdownNow();
        }
        assertThat(wrong).as("referrals whose older event overwrote the newer state").isEmpty();
    }
}
