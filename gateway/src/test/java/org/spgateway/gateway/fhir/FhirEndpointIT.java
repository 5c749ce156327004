package org.spgateway.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spgateway.gateway.store.ResourceRepository;
import org.spgateway.gateway.support.Referrals;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** Acts as a GP system against the running gateway, through HAPI's generic client and raw HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spgateway.data-dir=./target/it-data/${random.uuid}", "spgateway.fhir.max-body-bytes=200000",
                "spgateway.fhir.search-total-cap=" + FhirEndpointIT.TOTAL_CAP})
class FhirEndpointIT {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    static final int TOTAL_CAP = 5;

    @Value("${local.server.port}")
    int port;

    @Autowired
    ResourceRepository repository;

    private IGenericClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void client() {
        CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        client = CTX.newRestfulGenericClient(base());
        client.registerInterceptor(org.spgateway.gateway.support.SmartClient.testGp(port).hapi());
    }

    private String base() {
        return "http://localhost:" + port + "/fhir";
    }

    private String createPatient(Referrals referrals) {
        return client.create().resource(referrals.patient()).execute().getId().toUnqualifiedVersionless().getValue();
    }

    private Bundle tasksFor(String serviceRequestId) {
        return client.search().forResource(Task.class).where(Task.FOCUS.hasId(serviceRequestId))
                .returnBundle(Bundle.class).execute();
    }

    @Test
    void createsAReferralAndTheTaskThatTracksIt() {
        Referrals referrals = Referrals.valid();
        String patient = createPatient(referrals);
        MethodOutcome outcome = client.create().resource(referrals.serviceRequestFor(patient)).execute();

        assertThat(outcome.getCreated()).isTrue();
        String referralId = outcome.getId().toUnqualifiedVersionless().getValue();
        Bundle tasks = tasksFor(referralId);
        assertThat(tasks.getEntry()).hasSize(1);
        Task task = (Task) tasks.getEntryFirstRep().getResource();
        // the test patient has no consent on record, so the referral waits for it (see ReferralDispatchIT)
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(task.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("awaiting-consent");
        assertThat(task.getIntent()).isEqualTo(Task.TaskIntent.ORDER);
        assertThat(task.getCode().getCodingFirstRep().getCode()).isEqualTo("fulfill");
        assertThat(task.getFocus().getReference()).isEqualTo(referralId);
        assertThat(task.getFor().getReference()).isEqualTo(patient);
        assertThat(task.getAuthoredOn()).isNotNull();
    }

    @Test
    void answersTheLinkToTheTaskOnCreate() throws Exception {
        Referrals referrals = Referrals.valid();
        String patient = createPatient(referrals);
        HttpResponse<String> response = post("/ServiceRequest", CTX.newJsonParser().encodeResourceToString(
                referrals.serviceRequestFor(patient)), "application/fhir+json");
        assertThat(response.statusCode()).isEqualTo(201);
        String link = response.headers().firstValue("Link").orElseThrow();
        String taskId = link.substring(link.indexOf("/Task/") + 6, link.indexOf('>'));
        Task task = client.read().resource(Task.class).withId(taskId).execute();
        assertThat(task.getFocus().getReferenceElement().getIdPart())
                .isEqualTo(new IdType(response.headers().firstValue("Location").orElseThrow()).getIdPart());
    }

    @Test
    void aRepeatedReferralIdentifierReturnsTheExistingReferralAndCreatesNothing() {
        Referrals referrals = Referrals.valid();
        String patient = createPatient(referrals);
        MethodOutcome first = client.create().resource(referrals.serviceRequestFor(patient)).execute();
        MethodOutcome second = client.create().resource(referrals.serviceRequestFor(patient)).execute();

        assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
        assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
        assertThat(searchByIdentifier(referrals.identifierValue()).getTotal()).isEqualTo(1);
        assertThat(tasksFor(first.getId().toUnqualifiedVersionless().getValue()).getEntry()).hasSize(1);
    }

    @Test
    void ifNoneExistReturnsTheMatchInsteadOfCreating() {
        Referrals referrals = Referrals.valid().withNhsNumber("4010232137");
        String condition = "Patient?identifier=" + Referrals.NHS + "|4010232137";
        MethodOutcome first = client.create().resource(referrals.patient()).conditionalByUrl(condition).execute();
        MethodOutcome second = client.create().resource(referrals.patient()).conditionalByUrl(condition).execute();
        assertThat(first.getCreated()).isTrue();
        assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
        assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
        Bundle found = client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndCode(Referrals.NHS, "4010232137")).returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);
    }

    @Test
    void concurrentIdenticalReferralsCreateOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 3; round++) {
                Referrals referrals = Referrals.valid();
                String patient = createPatient(referrals);
                String body = CTX.newJsonParser().encodeResourceToString(referrals.serviceRequestFor(patient));
                List<Future<HttpResponse<String>>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    results.add(pool.submit((Callable<HttpResponse<String>>) () -> post("/ServiceRequest", body, "application/fhir+json")));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<HttpResponse<String>> f : results) {
                    statuses.add(f.get().statusCode());
                }
                assertThat(statuses).as("round %d", round).allMatch(s -> s == 200 || s == 201).containsOnlyOnce(201);
                Bundle found = searchByIdentifier(referrals.identifierValue());
                assertThat(found.getTotal()).isEqualTo(1);
                assertThat(tasksFor("ServiceRequest/" + found.getEntryFirstRep().getResource().getIdElement().getIdPart())
                        .getEntry()).hasSize(1);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void concurrentReferralsAboutOneNewPatientCreateThatPatientOnce() throws Exception {
        // GP systems send the Patient as a conditional create on the NHS number. Two referrals about a patient the
        // gateway does not hold yet, at the same moment, used to create two Patients, and every later referral about
        // that patient was then refused with 412 (its criteria matched two).
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 3; round++) {
                String nhs = NhsNumber.randomTestNumber(new java.util.Random());
                List<Future<HttpResponse<String>>> results = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    Bundle bundle = Referrals.valid().withNhsNumber(nhs).transaction();
                    bundle.getEntry().get(0).getRequest().setIfNoneExist("identifier=" + Referrals.NHS + "|" + nhs);
                    String body = CTX.newJsonParser().encodeResourceToString(bundle);
                    results.add(pool.submit((Callable<HttpResponse<String>>) () -> post("", body, "application/fhir+json")));
                }
                List<String> subjects = new ArrayList<>();
                for (Future<HttpResponse<String>> f : results) {
                    HttpResponse<String> r = f.get();
                    assertThat(r.statusCode()).as("round %d: %s", round, r.body()).isEqualTo(200);
                    Bundle response = CTX.newJsonParser().parseResource(Bundle.class, r.body());
                    subjects.add(((ServiceRequest) response.getEntry().get(1).getResource()).getSubject().getReference());
                }
                Bundle patients = client.search().forResource(Patient.class)
                        .where(Patient.IDENTIFIER.exactly().systemAndCode(Referrals.NHS, nhs)).returnBundle(Bundle.class).execute();
                assertThat(patients.getEntry()).as("round %d: Patients with NHS number %s", round, nhs).hasSize(1);
                assertThat(subjects).as("round %d", round).hasSize(6)
                        .containsOnly("Patient/" + patients.getEntryFirstRep().getResource().getIdElement().getIdPart());
                // and the next referral about the patient is taken, not refused with 412
                Bundle later = Referrals.valid().withNhsNumber(nhs).transaction();
                later.getEntry().get(0).getRequest().setIfNoneExist("identifier=" + Referrals.NHS + "|" + nhs);
                assertThat(post("", CTX.newJsonParser().encodeResourceToString(later), "application/fhir+json").statusCode())
                        .isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void concurrentConditionalCreatesOfOnePatientCreateOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            String nhs = NhsNumber.randomTestNumber(new java.util.Random());
            String body = CTX.newJsonParser().encodeResourceToString(Referrals.valid().withNhsNumber(nhs).patient());
            List<Future<HttpResponse<String>>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit((Callable<HttpResponse<String>>) () -> http.send(
                        org.spgateway.gateway.support.SmartClient.testGp(port).authorize(HttpRequest.newBuilder(URI.create(base() + "/Patient")))
                                .header("Content-Type", "application/fhir+json")
                                .header("If-None-Exist", "identifier=" + Referrals.NHS + "|" + nhs)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> f : results) {
                statuses.add(f.get().statusCode());
            }
            assertThat(statuses).allMatch(s -> s == 200 || s == 201).containsOnlyOnce(201);
            assertThat(client.search().forResource(Patient.class)
                    .where(Patient.IDENTIFIER.exactly().systemAndCode(Referrals.NHS, nhs)).returnBundle(Bundle.class).execute()
                    .getEntry()).hasSize(1);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void transactionResolvesReferencesAndCreatesTheTask() {
        Bundle response = client.transaction().withBundle(Referrals.valid().transaction()).execute();
        assertThat(response.getType()).isEqualTo(Bundle.BundleType.TRANSACTIONRESPONSE);
        assertThat(response.getEntry()).extracting(e -> e.getResponse().getStatus()).containsExactly("201 Created", "201 Created");
        String patientRef = "Patient/" + response.getEntry().get(0).getResource().getIdElement().getIdPart();
        ServiceRequest sr = (ServiceRequest) response.getEntry().get(1).getResource();
        assertThat(sr.getSubject().getReference()).isEqualTo(patientRef);
        Task task = (Task) tasksFor("ServiceRequest/" + sr.getIdElement().getIdPart()).getEntryFirstRep().getResource();
        assertThat(task.getFor().getReference()).isEqualTo(patientRef);
    }

    @Test
    void aRetriedTransactionCreatesNothingAndAnswersTheSameIds() {
        Bundle request = Referrals.valid().transaction();
        int patientsBefore = repository.countAll("Patient");
        Bundle first = client.transaction().withBundle(request).execute();
        Bundle second = client.transaction().withBundle(request).execute();
        assertThat(second.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactlyElementsOf(first.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList());
        assertThat(second.getEntry()).extracting(e -> e.getResponse().getStatus()).containsOnly("200 OK");
        assertThat(repository.countAll("Patient")).isEqualTo(patientsBefore + 1);
    }

    @Test
    void aTransactionThatFailsHalfwayStoresNothing() {
        // The second referral re-uses the identifier of a stored one under another id: a 409 after the
        // Patient and the first referral of this Bundle were already written inside the transaction.
        Referrals stored = Referrals.valid();
        client.transaction().withBundle(stored.transaction()).execute();
        Bundle bundle = Referrals.valid().transaction();
        ServiceRequest clash = stored.serviceRequestFor("Patient/someone");
        clash.setId("clashing-referral");
        bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(clash).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("ServiceRequest/clashing-referral");
        int patients = repository.countAll("Patient");
        int referrals = repository.countAll("ServiceRequest");
        int tasks = repository.countAll("Task");

        assertThatThrownBy(() -> client.transaction().withBundle(bundle).execute())
                .isInstanceOf(ResourceVersionConflictException.class);
        assertThat(repository.countAll("Patient")).isEqualTo(patients);
        assertThat(repository.countAll("ServiceRequest")).isEqualTo(referrals);
        assertThat(repository.countAll("Task")).isEqualTo(tasks);
    }

    @Test
    void aReferralAboutAPatientTheGatewayDoesNotHoldIsRefusedAndStoresNothing() {
        int referrals = repository.countAll("ServiceRequest");
        int tasks = repository.countAll("Task");
        // a Bundle-local reference that names no entry (the fuzz suite found one stored as a patient id, then a 500)
        Bundle bundle = Referrals.valid().transaction();
        ((ServiceRequest) bundle.getEntry().get(1).getResource()).setSubject(new org.hl7.fhir.r4.model.Reference(
                "urn:uuid:" + java.util.UUID.randomUUID()));
        assertThatThrownBy(() -> client.transaction().withBundle(bundle).execute())
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.InvalidRequestException.class)
                .hasMessageContaining("is not the fullUrl of any entry");
        // a literal reference to a Patient that is not stored
        assertThatThrownBy(() -> client.create().resource(Referrals.valid().serviceRequestFor("Patient/not-stored-here")).execute())
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("ServiceRequest.subject Patient/not-stored-here is not a Patient stored here");
        assertThat(repository.countAll("ServiceRequest")).isEqualTo(referrals);
        assertThat(repository.countAll("Task")).isEqualTo(tasks);
    }

    @Test
    void updatesKeepTheirHistoryAndHonourIfMatch() {
        Referrals referrals = Referrals.valid();
        String patient = createPatient(referrals);
        IdType id = (IdType) client.create().resource(referrals.serviceRequestFor(patient)).execute().getId();
        ServiceRequest sr = client.read().resource(ServiceRequest.class).withId(id.getIdPart()).execute();
        sr.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
        MethodOutcome updated = client.update().resource(sr).withId(id.toUnqualifiedVersionless()).execute();
        assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

        ServiceRequest v1 = client.read().resource(ServiceRequest.class).withIdAndVersion(id.getIdPart(), "1").execute();
        assertThat(v1.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        Bundle history = client.history().onInstance(id.toUnqualifiedVersionless()).returnBundle(Bundle.class).execute();
        assertThat(history.getEntry()).hasSize(2);

        sr.getMeta().setVersionId("1");
        sr.setId(id.withVersion("1"));
        assertThatThrownBy(() -> client.update().resource(sr).withId(id.toUnqualifiedVersionless().withVersion("1"))
                .execute()).isInstanceOf(PreconditionFailedException.class);
        ServiceRequest revoked = (ServiceRequest) client.search().forResource(ServiceRequest.class)
                .where(ServiceRequest.STATUS.exactly().code("revoked"))
                .and(new TokenClientParam("identifier").exactly().systemAndCode(Referrals.REFERRAL_IDS, referrals.identifierValue()))
                .returnBundle(Bundle.class).execute().getEntryFirstRep().getResource();
        assertThat(revoked.getIdElement().getIdPart()).isEqualTo(id.getIdPart());
    }

    @Test
    void searchesByPatientStatusAndLastUpdated() {
        Referrals referrals = Referrals.valid();
        String patient = createPatient(referrals);
        String referral = client.create().resource(referrals.serviceRequestFor(patient)).execute().getId()
                .toUnqualifiedVersionless().getValue();
        Bundle byPatient = client.search().forResource(ServiceRequest.class)
                .where(ServiceRequest.PATIENT.hasId(patient)).returnBundle(Bundle.class).execute();
        assertThat(byPatient.getEntry()).hasSize(1);
        Bundle future = client.search().forResource(ServiceRequest.class)
                .where(ServiceRequest.PATIENT.hasId(patient))
                .lastUpdated(new ca.uhn.fhir.rest.param.DateRangeParam("gt2999-01-01", null))
                .returnBundle(Bundle.class).execute();
        assertThat(future.getEntry()).isEmpty();
        Bundle tasks = client.search().forResource(Task.class).where(Task.PATIENT.hasId(patient))
                .and(Task.STATUS.exactly().code("on-hold")).returnBundle(Bundle.class).execute();
        assertThat(tasks.getEntry()).hasSize(1);
        assertThat(((Task) tasks.getEntryFirstRep().getResource()).getFocus().getReference()).isEqualTo(referral);
        Bundle cancelled = client.search().forResource(Task.class).where(Task.PATIENT.hasId(patient))
                .and(Task.STATUS.exactly().code("cancelled")).returnBundle(Bundle.class).execute();
        assertThat(cancelled.getEntry()).isEmpty();
    }

    @Test
    void malformedJsonIs400WithAnOperationOutcome() throws Exception {
        HttpResponse<String> response = post("/ServiceRequest", "{\"resourceType\":\"ServiceRequest\",", "application/fhir+json");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(outcome(response).getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    }

    @Test
    void malformedXmlIs400WithAnOperationOutcome() throws Exception {
        HttpResponse<String> response = post("/Patient", "<Patient xmlns=\"http://hl7.org/fhir\"><name>", "application/fhir+xml");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("OperationOutcome");
    }

    @Test
    void anInvalidResourceIs422NamingTheElement() {
        assertThatThrownBy(() -> client.create().resource("{\"resourceType\":\"ServiceRequest\",\"status\":\"active\","
                + "\"intent\":\"order\"}").execute())
                .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> assertThat(
                        ((OperationOutcome) e.getOperationOutcome()).getIssue())
                        .anyMatch(i -> i.getDiagnostics().contains("ServiceRequest.subject")));
    }

    @Test
    void aBadNhsNumberIs422AtItsPath() throws Exception {
        HttpResponse<String> response = post("/Patient", CTX.newJsonParser().encodeResourceToString(
                Referrals.valid().withNhsNumber("9434765918").patient()), "application/fhir+json");
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(outcome(response).getIssueFirstRep().getExpression().get(0).getValue())
                .isEqualTo("Patient.identifier[0].value");
    }

    @Test
    void patientsWithoutAnNhsNumberAreAccepted() {
        assertThat(client.create().resource(Referrals.valid().withoutNhsNumber().patient()).execute().getCreated()).isTrue();
    }

    @Test
    void anUnknownResourceTypeIs404() throws Exception {
        HttpResponse<String> response = http.send(org.spgateway.gateway.support.SmartClient.testGp(port).authorize(HttpRequest.newBuilder(URI.create(base() + "/Spaceship/1"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(outcome(response).getIssue()).isNotEmpty();
    }

    @Test
    void anOversizedBodyIs413AndNothingIsStored() throws Exception {
        int before = repository.countAll("Patient");
        String huge = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + "x".repeat(300_000) + "\"}]}";
        HttpResponse<String> response = post("/Patient", huge, "application/fhir+json");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(outcome(response).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOCOSTLY);
        assertThat(repository.countAll("Patient")).isEqualTo(before);
    }

    @Test
    void aRejectedBundleStoresNothing() throws Exception {
        int before = repository.countAll("Patient");
        Bundle bundle = Referrals.valid().withNhsNumber("9000000001").transaction();
        HttpResponse<String> response = post("", CTX.newJsonParser().encodeResourceToString(bundle), "application/fhir+json");
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(outcome(response).getIssueFirstRep().getExpression().get(0).getValue())
                .isEqualTo("Bundle.entry[0].resource.identifier[0].value");
        assertThat(repository.countAll("Patient")).isEqualTo(before);
    }

    @Test
    void xmlResourcesAreAccepted() throws Exception {
        String xml = CTX.newXmlParser().encodeResourceToString(Referrals.valid().withoutNhsNumber().patient());
        assertThat(post("/Patient", xml, "application/fhir+xml").statusCode()).isEqualTo(201);
    }

    @Test
    void theCapabilityStatementDeclaresWhatWorks() {
        CapabilityStatement cs = client.capabilities().ofType(CapabilityStatement.class).execute();
        var sr = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("ServiceRequest")).findFirst().orElseThrow();
        assertThat(sr.getInteraction()).extracting(i -> i.getCode().toCode())
                .contains("create", "read", "vread", "update", "search-type", "history-instance");
        assertThat(sr.getSearchParam()).extracting(p -> p.getName()).contains("patient", "identifier", "status", "_lastUpdated");
        var task = cs.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Task")).findFirst().orElseThrow();
        assertThat(task.getInteraction()).extracting(i -> i.getCode().toCode()).doesNotContain("create", "update");
        assertThat(task.getSearchParam()).extracting(p -> p.getName()).contains("focus", "patient", "status", "owner", "_lastUpdated");
        assertThat(cs.getRestFirstRep().getInteraction()).extracting(i -> i.getCode().toCode()).contains("transaction");
    }

    @Test
    void theDirectoryIsReadableAsFhirButNotWritable() {
        org.hl7.fhir.r4.model.Organization walkers = client.read().resource(org.hl7.fhir.r4.model.Organization.class)
                .withId("vcs-walking-group").execute();
        assertThat(walkers.getTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("activity-provider");
        org.hl7.fhir.r4.model.HealthcareService service = client.read().resource(org.hl7.fhir.r4.model.HealthcareService.class)
                .withId("vcs-walking-group-service").execute();
        assertThat(service.getProvidedBy().getReference()).isEqualTo("Organization/vcs-walking-group");
        assertThat(service.getType()).extracting(t -> t.getCodingFirstRep().getCode()).contains("physical-activity");
        org.hl7.fhir.r4.model.Endpoint endpoint = client.read().resource(org.hl7.fhir.r4.model.Endpoint.class)
                .withId(service.getEndpointFirstRep().getReferenceElement().getIdPart()).execute();
        assertThat(endpoint.getConnectionType().getCode()).isEqualTo("pull-inbox");
        Bundle all = client.search().forResource(org.hl7.fhir.r4.model.HealthcareService.class).returnBundle(Bundle.class).execute();
        assertThat(all.getTotal()).isEqualTo(3);

        walkers.setName("Renamed by a GP system");
        assertThatThrownBy(() -> client.update().resource(walkers).execute())
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException.class);
        assertThat(client.read().resource(org.hl7.fhir.r4.model.Organization.class).withId("vcs-walking-group").execute()
                .getName()).isEqualTo("Hyde Park Walking Group");
    }

    @Test
    void aBroadSearchCountsUpToTheCapAndExactlyOnlyWhenAskedAndPagesThroughEveryMatch() throws Exception {
        for (int i = 0; i <= TOTAL_CAP; i++) {
            Referrals referrals = Referrals.valid();
            client.create().resource(referrals.serviceRequestFor(createPatient(referrals))).execute();
        }
        // every test's referral waits for consent: more on-hold Tasks than the cap, however many other tests ran
        Bundle first = client.search().forResource(Task.class).where(Task.STATUS.exactly().code("on-hold")).count(2)
                .returnBundle(Bundle.class).execute();
        assertThat(first.hasTotal()).as("beyond the cap the total is left out, not counted").isFalse();
        assertThat(first.getEntry()).hasSize(2);
        assertThat(first.getLink(Bundle.LINK_NEXT)).isNotNull();

        java.util.LinkedHashSet<String> paged = new java.util.LinkedHashSet<>();
        int entries = 0;
        java.time.Instant previous = java.time.Instant.MIN;
        for (Bundle page = first; ; page = client.loadPage().next(page).execute()) {
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                Task task = (Task) e.getResource();
                assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
                java.time.Instant updated = task.getMeta().getLastUpdated().toInstant();
                assertThat(updated).as("pages in _lastUpdated order").isAfterOrEqualTo(previous);
                previous = updated;
                paged.add(task.getIdElement().toUnqualifiedVersionless().getValue());
                entries++;
            }
            if (page.getLink(Bundle.LINK_NEXT) == null || page.getEntry().isEmpty()) {
                break;
            }
        }
        assertThat(entries).as("no Task twice across pages").isEqualTo(paged.size());

        Bundle accurate = search("/Task?status=on-hold&_total=accurate&_count=1");
        Bundle counted = search("/Task?status=on-hold&_summary=count");
        assertThat(accurate.getTotal()).isGreaterThan(TOTAL_CAP).isEqualTo(counted.getTotal());
        // other tests may add Tasks while this one pages; every Task it paged past is counted
        assertThat(accurate.getTotal()).isGreaterThanOrEqualTo(paged.size());
        assertThat(search("/Task?status=on-hold&_total=none").hasTotal()).isFalse();

        // at most the cap (other tests cancel a referral or two): an exact total, the page found from the value index
        Bundle few = search("/Task?status=cancelled&_count=" + TOTAL_CAP);
        assertThat(few.hasTotal()).isTrue();
        assertThat(few.getTotal()).isLessThanOrEqualTo(TOTAL_CAP).isEqualTo(few.getEntry().size());
        assertThat(few.getEntry()).allSatisfy(e -> assertThat(((Task) e.getResource()).getStatus())
                .isEqualTo(Task.TaskStatus.CANCELLED));
        assertThat(search("/Task?status=cancelled&_total=accurate").getTotal()).isEqualTo(few.getTotal());

        HttpResponse<String> bad = get("/Task?status=on-hold&_total=roughly");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(CTX.newJsonParser().parseResource(OperationOutcome.class, bad.body()).getIssueFirstRep()
                .getDiagnostics()).contains("_total");
    }

    @Test
    void aSearchThatMatchesFewIsAnsweredFromTheValueIndex() throws Exception {
        Referrals referrals = Referrals.valid();
        String patient = createPatient(referrals);
        String nhs = referrals.patient().getIdentifierFirstRep().getValue();
        // an identifier without its system matches few, but is not one of the always-selective parameters
        Bundle found = search("/Patient?identifier=" + nhs);
        assertThat(found.getTotal()).isEqualTo(1);
        assertThat(found.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
                .containsExactly(patient);
    }

    private Bundle search(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return CTX.newJsonParser().parseResource(Bundle.class, response.body());
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(org.spgateway.gateway.support.SmartClient.testGp(port).authorize(HttpRequest.newBuilder(
                URI.create(base() + pathAndQuery))).header("Accept", "application/fhir+json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Bundle searchByIdentifier(String value) {
        return client.search().forResource(ServiceRequest.class)
                .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode(Referrals.REFERRAL_IDS, value))
                .returnBundle(Bundle.class).execute();
    }

    private HttpResponse<String> post(String path, String body, String contentType) throws Exception {
        return http.send(org.spgateway.gateway.support.SmartClient.testGp(port).authorize(HttpRequest.newBuilder(URI.create(base() + path)))
                .header("Content-Type", contentType).header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static OperationOutcome outcome(HttpResponse<String> response) {
        return CTX.newJsonParser().parseResource(OperationOutcome.class, response.body());
    }
}
