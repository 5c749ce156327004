package org.spgateway.gateway.referral;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A referral's way out: routing, the consent gate per recipient role, the outbox row and disclosure record written
 * with it, awaiting consent and release, no matching service, cancellation. Uses the demo directory (all pull
 * services), so messages stay in the outbox where the test reads them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
class ReferralDispatchIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Value("${local.server.port}")
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.spgateway.gateway.security.Accounts.DemoAccounts demo;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    org.spgateway.gateway.delivery.OutboxStore outboxStore;

    private IGenericClient client;

    @BeforeEach
    void client() {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CTX.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(org.spgateway.gateway.support.SmartClient.testGp(port).hapi());
    }

    /** The README's example Bundle with a fresh referral identifier, optionally naming the service. */
    private Bundle example(String performer, boolean withConsent) throws Exception {
        Bundle bundle = CTX.newJsonParser().parseResource(Bundle.class, Files.readString(Path.of("../docs/examples/referral-bundle.json")));
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(5).getResource();
        sr.getIdentifierFirstRep().setValue("REF-" + UUID.randomUUID());
        if (performer != null) {
            sr.addPerformer(new Reference("Organization/" + performer));
        }
        if (!withConsent) {
            bundle.getEntry().remove(4);
            sr.getSupportingInfo().clear();
        }
        return bundle;
    }

    private String post(Bundle bundle) {
        Bundle response = client.transaction().withBundle(bundle).execute();
        return response.getEntry().stream().filter(e -> e.getResource() instanceof ServiceRequest).findFirst().orElseThrow()
                .getResource().getIdElement().getIdPart();
    }

    private Task task(String referralId) {
        return (Task) client.search().forResource(Task.class).where(Task.FOCUS.hasId("ServiceRequest/" + referralId))
                .returnBundle(Bundle.class).execute().getEntryFirstRep().getResource();
    }

    private List<Map<String, Object>> outbox(String referralId) {
        return jdbc.queryForList("SELECT * FROM outbox_message WHERE referral_id = ? ORDER BY seq", referralId);
    }

    private JsonNode createdPayload(String referralId) throws Exception {
        Map<String, Object> row = outbox(referralId).stream().filter(r -> "referral.created".equals(r.get("event_type")))
                .findFirst().orElseThrow();
        return payload(row);
    }

    /** A queued message's payload as it will be sent (stored sealed: docs/security.md#encryption-at-rest). */
    private JsonNode payload(Map<String, Object> row) throws Exception {
        return JSON.readTree(outboxStore.find((String) row.get("message_id")).orElseThrow().payload());
    }

    @Test
    void aGenericReferralGoesToTheLinkWorkerServiceWithItsDisclosureRecorded() throws Exception {
        String referral = post(example(null, true));
        Task task = task(referral);
        assertThat(task.getOwner().getReference()).isEqualTo("Organization/vcs-leeds-link-workers");
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);

        List<Map<String, Object>> rows = outbox(referral);
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.get("channel")).isEqualTo("vcs-inbox");
            assertThat(r.get("destination")).isEqualTo("vcs-leeds-link-workers");
        });
        JsonNode payload = createdPayload(referral);
        assertThat(payload.at("/patient/nhsNumber").asText()).isEqualTo("9000000009");
        assertThat(payload.at("/patient/address/postcode").asText()).isEqualTo("LS6 2AB");
        assertThat(payload.at("/patient/dateOfBirth").asText()).isEqualTo("1948-03-14");
        Map<String, Object> disclosure = jdbc.queryForMap("SELECT * FROM disclosure_record WHERE referral_id = ?", referral);
        assertThat(disclosure.get("message_id")).isEqualTo(rows.get(0).get("message_id"));
        assertThat(disclosure.get("recipient_role")).isEqualTo("link-worker-service");
        JsonNode record = JSON.readTree((String) disclosure.get("record_json"));
        assertThat(record.toString()).contains("nhs-number");
    }

    @Test
    void anActivityProviderGetsOnlyWhatItsRoleMaySee() throws Exception {
        String referral = post(example("vcs-walking-group", true));
        JsonNode payload = createdPayload(referral);
        assertThat(payload.at("/patient/nhsNumber").isMissingNode()).isTrue();
        assertThat(payload.at("/patient/address").isMissingNode()).isTrue();
        assertThat(payload.at("/patient/dateOfBirth").isMissingNode()).isTrue();
        assertThat(payload.at("/referral/reason").isMissingNode()).isTrue();
        assertThat(payload.at("/patient/postcodeDistrict").asText()).isEqualTo("LS6");
        assertThat(payload.at("/patient/ageBand").isMissingNode()).isFalse();
        assertThat(payload.at("/patient/name").isMissingNode()).isFalse();
    }

    @Test
    void anAdviceServiceGetsTheAddressButNotTheNhsNumber() throws Exception {
        String referral = post(example("vcs-citizens-advice-leeds", true));
        JsonNode payload = createdPayload(referral);
        assertThat(payload.at("/patient/nhsNumber").isMissingNode()).isTrue();
        assertThat(payload.at("/patient/address/postcode").asText()).isEqualTo("LS6 2AB");
        assertThat(payload.at("/referral/conditions").isMissingNode()).isTrue();
    }

    @Test
    void withoutConsentTheReferralWaitsAndAConsentPostedLaterReleasesIt() throws Exception {
        Bundle bundle = example(null, false);
        // a patient of their own: the example's NHS number already has a consent from other tests
        bundle.getEntry().get(0).getRequest().setIfNoneExist(null);
        ((org.hl7.fhir.r4.model.Patient) bundle.getEntry().get(0).getResource()).getIdentifier().clear();
        String referral = post(bundle);
        Task held = task(referral);
        assertThat(held.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(held.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("awaiting-consent");
        assertThat(held.getStatusReason().getText()).startsWith("awaiting consent");
        assertThat(outbox(referral)).isEmpty();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM disclosure_record WHERE referral_id = ?", Integer.class, referral)).isZero();

        String patient = client.read().resource(ServiceRequest.class).withId(referral).execute().getSubject().getReference();
        Consent consent = new Consent();
        consent.setStatus(Consent.ConsentState.ACTIVE);
        consent.getScope().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/consentscope").setCode("patient-privacy");
        consent.addCategory().addCoding().setSystem("http://loinc.org").setCode("59284-0");
        consent.setPatient(new Reference(patient));
        consent.getProvision().setType(Consent.ConsentProvisionType.PERMIT);
        consent.getPolicyRule().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("OPTIN");
        client.create().resource(consent).execute();

        Task released = task(referral);
        assertThat(released.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(released.hasBusinessStatus()).isFalse();
        assertThat(outbox(referral)).singleElement().satisfies(r -> assertThat(r.get("event_type")).isEqualTo("referral.created"));
    }

    @Test
    void withdrawingConsentWithholdsWhatIsQueuedAndTellsTheServiceThatHadTheData() throws Exception {
        Bundle bundle = example(null, true);
        bundle.getEntry().get(0).getRequest().setIfNoneExist(null);
        ((org.hl7.fhir.r4.model.Patient) bundle.getEntry().get(0).getResource()).getIdentifier().clear();
        Bundle response = client.transaction().withBundle(bundle).execute();
        String referral = response.getEntry().get(5).getResource().getIdElement().getIdPart();
        Consent consent = (Consent) response.getEntry().get(4).getResource();
        assertThat(outbox(referral)).singleElement().satisfies(r -> assertThat(r.get("status")).isEqualTo("pending"));

        consent.setStatus(Consent.ConsentState.INACTIVE);
        client.update().resource(consent).execute();

        List<Map<String, Object>> rows = outbox(referral);
        assertThat(rows).extracting(r -> r.get("event_type") + ":" + r.get("status"))
                .containsExactly("referral.created:withheld", "consent.withdrawn:pending");
        JsonNode notice = payload(rows.get(1));
        assertThat(notice.at("/referralId").asText()).isEqualTo(referral);
        assertThat(notice.at("/patient").isMissingNode()).isTrue();
        Task task = task(referral);
        assertThat(task.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("consent-withdrawn");
    }

    @Test
    void theDryRunSaysWhatAnotherServiceWouldReceiveAndWhyWithoutSendingOrRecording() throws Exception {
        String referral = post(example(null, true));
        int disclosures = jdbc.queryForObject("SELECT COUNT(*) FROM disclosure_record", Integer.class);
        int messages = jdbc.queryForObject("SELECT COUNT(*) FROM outbox_message", Integer.class);

        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(org.spgateway.gateway.support.Logins.request(port,
                "/ig/v1/dry-run?referral=" + referral + "&organisation=vcs-walking-group", demo).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.at("/role").asText()).isEqualTo("activity-provider");
        JsonNode nhs = null;
        for (JsonNode c : answer.at("/classes")) {
            if (c.at("/dataClass").asText().equals("nhs-number")) {
                nhs = c;
            }
        }
        assertThat(nhs).isNotNull();
        assertThat(nhs.at("/decision").asText()).isEqualTo("deny");
        assertThat(nhs.at("/reason").asText()).isNotBlank();
        assertThat(answer.at("/payload/patient/nhsNumber").isMissingNode()).isTrue();
        assertThat(answer.at("/payload/patient/postcodeDistrict").asText()).isEqualTo("LS6");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM disclosure_record", Integer.class)).isEqualTo(disclosures);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox_message", Integer.class)).isEqualTo(messages);

        var unknown = http.send(org.spgateway.gateway.support.Logins.request(port,
                "/ig/v1/dry-run?referral=" + referral + "&organisation=nobody", demo).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    }

    @Test
    void contactingSubjectProhibitedWithholdsContactDetailsEvenFromLinkWorkers() throws Exception {
        Bundle bundle = example(null, true);
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(5).getResource();
        sr.addOrderDetail().addCoding().setSystem("https://spgateway.org/fhir/CodeSystem/order-detail")
                .setCode("contacting-subject-prohibited");
        String referral = post(bundle);
        JsonNode payload = createdPayload(referral);
        assertThat(payload.at("/patient/contact").isMissingNode()).isTrue();
        assertThat(payload.at("/patient/address").isMissingNode()).isTrue();
        assertThat(payload.at("/doNotContactPatient").asBoolean()).isTrue();
        assertThat(payload.at("/patient/nhsNumber").asText()).isEqualTo("9000000009");
    }

    @Test
    void aReferralNobodyCanTakeShowsWhyOnItsTask() throws Exception {
        Bundle bundle = example(null, true);
        ((org.hl7.fhir.r4.model.Patient) bundle.getEntry().get(0).getResource()).getAddressFirstRep().setPostalCode("M1 1AA");
        bundle.getEntry().get(0).getRequest().setIfNoneExist(null);
        ((org.hl7.fhir.r4.model.Patient) bundle.getEntry().get(0).getResource()).getIdentifier().clear();
        String referral = post(bundle);
        Task task = task(referral);
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(task.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("no-matching-service");
        assertThat(task.getStatusReason().getText()).contains("M1");
        assertThat(outbox(referral)).isEmpty();
    }

    @Test
    void revokingAReferralCancelsItsTaskAndTellsTheService() throws Exception {
        String referral = post(example(null, true));
        ServiceRequest sr = client.read().resource(ServiceRequest.class).withId(referral).execute();
        sr.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
        client.update().resource(sr).execute();

        Task task = task(referral);
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
        assertThat(task.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("cancelled-by-referrer");
        List<Map<String, Object>> rows = outbox(referral);
        assertThat(rows).extracting(r -> r.get("event_type")).containsExactly("referral.created", "referral.cancelled");
        JsonNode cancelled = payload(rows.get(1));
        assertThat(cancelled.at("/referralId").asText()).isEqualTo(referral);
        assertThat(cancelled.at("/patient").isMissingNode()).isTrue();
    }
}
