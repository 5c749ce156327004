package org.spgateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Public example resources (see src/test/resources/examples/README.md for provenance, adaptations and the skip
 * list) and the README's own example, sent through the running gateway as a GP system would.
 */
class PublicExamplesIT {

    private static GatewayProcess gateway;
    private static GpSystem gp;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayProcess.start();
        gp = new GpSystem(gateway);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    /**
     * Stores a minimal Patient under the id an example's referral names (a PUT in a transaction Bundle), as a GP system
     * sends the Patient before, or with, a referral about them.
     */
    private void holdPatient(String id) throws Exception {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        org.hl7.fhir.r4.model.Patient patient = new org.hl7.fhir.r4.model.Patient();
        patient.setId(id);
        patient.addName().setFamily("Example").addGiven("Public");
        bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(patient).getRequest()
                .setMethod(Bundle.HTTPVerb.PUT).setUrl("Patient/" + id);
        HttpResponse<String> response = gp.postTransaction(bundle);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void theReadmeExampleReferralGetsATask() throws Exception {
        String body = Files.readString(Path.of("../docs/examples/referral-bundle.json"));
        HttpResponse<String> response = gp.post("", body, "application/fhir+json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle result = GpSystem.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
        assertThat(result.getEntry()).extracting(e -> e.getResponse().getStatus())
                .containsExactly("201 Created", "200 OK", "201 Created", "201 Created", "201 Created", "201 Created");
        // the practice entry's ifNoneExist (ODS code B86001) finds the practice the demo directory publishes
        assertThat(result.getEntry().get(1).getResource().getIdElement().getIdPart()).isEqualTo("practice-elm-street");
        ServiceRequest referral = (ServiceRequest) result.getEntry().get(5).getResource();
        String patientId = result.getEntry().get(0).getResource().getIdElement().getIdPart();
        assertThat(referral.getSubject().getReference()).isEqualTo("Patient/" + patientId);
        Bundle tasks = gp.tasksFor(referral.getIdElement().getIdPart());
        assertThat(tasks.getEntry()).hasSize(1);
        assertThat(((Task) tasks.getEntryFirstRep().getResource()).getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
    }

    @Test
    void theSdohReferralIsAcceptedOnceItsUsOnlyProfileIsDropped() throws Exception {
        ServiceRequest example = GpSystem.FHIR.newJsonParser().parseResource(ServiceRequest.class,
                example("sdoh-clinicalcare/ServiceRequest-SDOHCC-ServiceRequestActiveFoodPantryApplicationAssistExample.json"));
        // Adaptation: the SDOHCC profile is US-only and the id is the publisher's; everything else is as published.
        example.setMeta(null);
        example.setId((String) null);
        // the gateway takes a referral about a Patient it holds: the example's Patient is stored first
        holdPatient(example.getSubject().getReferenceElement().getIdPart());
        HttpResponse<String> response = gp.post("/ServiceRequest",
                GpSystem.FHIR.newJsonParser().encodeResourceToString(example), "application/fhir+json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        ServiceRequest stored = GpSystem.FHIR.newJsonParser().parseResource(ServiceRequest.class, response.body());
        assertThat(stored.getCode().getCodingFirstRep().getCode()).isEqualTo("467771000124109");
        assertThat(gp.tasksFor(stored.getIdElement().getIdPart()).getEntry()).hasSize(1);
    }

    @Test
    void theGatewaysTaskHasTheShapeOfTheSdohReferralManagementTask() throws Exception {
        Task example = GpSystem.FHIR.newJsonParser().parseResource(Task.class,
                example("sdoh-clinicalcare/Task-SDOHCC-TaskReferralManagementOrderFulfillmentCompletedExample.json"));
        HttpResponse<String> response = gp.postTransaction(GpSystem.referralBundle("shape-" + System.nanoTime()));
        Bundle result = GpSystem.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
        Task ours = (Task) gp.tasksFor(result.getEntry().get(1).getResource().getIdElement().getIdPart())
                .getEntryFirstRep().getResource();

        assertThat(ours.getIntent()).isEqualTo(example.getIntent());
        assertThat(ours.getCode().getCodingFirstRep().getSystem()).isEqualTo(example.getCode().getCodingFirstRep().getSystem());
        assertThat(ours.getCode().getCodingFirstRep().getCode()).isEqualTo(example.getCode().getCodingFirstRep().getCode());
        assertThat(ours.getFocus().getReferenceElement().getResourceType())
                .isEqualTo(example.getFocus().getReferenceElement().getResourceType());
        assertThat(ours.getFor().getReferenceElement().getResourceType())
                .isEqualTo(example.getFor().getReferenceElement().getResourceType());
        assertThat(ours.hasAuthoredOn()).isEqualTo(example.hasAuthoredOn());
    }

    @Test
    void theUkCoreServiceRequestInXmlIsAcceptedWithATask() throws Exception {
        // its subject, the UK Core Patient example, is on the skip list (README): a minimal Patient under its id
        holdPatient("UKCore-Patient-RichardSmith-Example");
        HttpResponse<String> response = gp.post("/ServiceRequest",
                example("uk-core/UKCore-ServiceRequest-ColonoscopyRequest-Example.xml"), "application/fhir+xml");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        ServiceRequest stored = GpSystem.FHIR.newJsonParser().parseResource(ServiceRequest.class, response.body());
        assertThat(gp.tasksFor(stored.getIdElement().getIdPart()).getEntry()).hasSize(1);
    }

    @Test
    void theUkCoreConsentInXmlIsStoredAsSent() throws Exception {
        Consent sent = GpSystem.FHIR.newXmlParser().parseResource(Consent.class,
                example("uk-core/UKCore-Consent-ForInformationAccess-Example.xml"));
        HttpResponse<String> response = gp.post("/Consent",
                example("uk-core/UKCore-Consent-ForInformationAccess-Example.xml"), "application/fhir+xml");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        Consent stored = GpSystem.FHIR.newJsonParser().parseResource(Consent.class, response.body());
        Consent read = GpSystem.FHIR.newJsonParser().parseResource(Consent.class,
                gp.get("/Consent/" + stored.getIdElement().getIdPart()).body());
        assertThat(read.getStatus()).isEqualTo(sent.getStatus());
        assertThat(read.getPatient().getReference()).isEqualTo(sent.getPatient().getReference());
    }

    @Test
    void aGpSystemCannotCreateTasks() throws Exception {
        HttpResponse<String> response = gp.post("/Task", example("uk-core/UKCore-Task-Colonoscopy-Example.xml"),
                "application/fhir+xml");
        assertThat(response.statusCode()).isBetween(400, 499);
        assertThat(GpSystem.FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body()).getIssue()).isNotEmpty();
    }

    @Test
    void theBarsMessageBundleIsRefusedWithAClearReasonAndNothingStored() throws Exception {
        int before = gp.search("Patient", "_summary=count").getTotal();
        HttpResponse<String> response = gp.post("", example("bars/servicerequest-request-bundle.json"), "application/fhir+json");
        assertThat(response.statusCode()).isEqualTo(400);
        OperationOutcome outcome = GpSystem.FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
        assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("transaction Bundle").contains("message");
        assertThat(gp.search("Patient", "_summary=count").getTotal()).isEqualTo(before);
    }

    /** Files of the corpus each test above uses; everything else must be on the skip list. */
    private static final java.util.Set<String> RUN = java.util.Set.of(
            "sdoh-clinicalcare/ServiceRequest-SDOHCC-ServiceRequestActiveFoodPantryApplicationAssistExample.json",
            "sdoh-clinicalcare/Task-SDOHCC-TaskReferralManagementOrderFulfillmentCompletedExample.json",
            "uk-core/UKCore-ServiceRequest-ColonoscopyRequest-Example.xml",
            "uk-core/UKCore-Consent-ForInformationAccess-Example.xml",
            "uk-core/UKCore-Task-Colonoscopy-Example.xml",
            "bars/servicerequest-request-bundle.json");

    @Test
    void everyFileOfTheCorpusIsRunOrSkippedWithAReasonAndTheCopyIsComplete() throws Exception {
        Path copy = Path.of("src/test/resources/examples");
        java.util.List<String> files;
        try (var walk = Files.walk(copy)) {
            files = walk.filter(Files::isRegularFile).map(p -> copy.relativize(p).toString().replace('\\', '/'))
                    .filter(f -> !f.equals("README.md")).sorted().toList();
        }
        String readme = example("README.md");
        String skipList = readme.substring(readme.indexOf("## Skip list"));
        for (String file : files) {
            if (!RUN.contains(file)) {
                String name = file.substring(file.indexOf('/') + 1);
                assertThat(skipList.lines().anyMatch(l -> l.contains(name) || (name.startsWith("OperationOutcome-")
                        && l.contains("OperationOutcome-*")) || (name.contains("RichardSmith") && l.contains("RichardSmith"))))
                        .as("%s is neither run by a test nor on the README's skip list", file).isTrue();
            }
        }
        assertThat(files).containsAll(RUN);
        // the shared example set the copy was taken from (beside the repository, on developers' machines and in CI)
        Path shared = Path.of("../../shared/examples");
        if (Files.isDirectory(shared)) {
            try (var walk = Files.walk(shared)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    String rel = shared.relativize(p).toString().replace('\\', '/');
                    if (rel.equals("README.md")) {
                        continue;
                    }
                    assertThat(files).as("the copy has every shared example").contains(rel);
                    assertThat(Files.readAllBytes(copy.resolve(rel))).as("%s is copied unchanged", rel)
                            .isEqualTo(Files.readAllBytes(p));
                }
            }
        }
    }

    @Test
    void theProjectsOwnReferralAndConsentExamplesAreAcceptedAndKeepTheirProfiles() throws Exception {
        org.spgateway.ig.FhirPackage pkg = org.spgateway.ig.FhirPackage.load(GpSystem.FHIR);
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String patientUrl = "urn:uuid:" + java.util.UUID.randomUUID();
        org.hl7.fhir.r4.model.Patient patient = new org.hl7.fhir.r4.model.Patient();
        patient.addName().setFamily("Example");
        bundle.addEntry().setFullUrl(patientUrl).setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        int postable = 0;
        for (org.hl7.fhir.r4.model.Resource example : pkg.examples()) {
            if (!(example instanceof ServiceRequest) && !(example instanceof Consent)) {
                continue; // Tasks and Observations are the gateway's; EmittedResourcesIT checks the ones it makes
            }
            org.hl7.fhir.r4.model.Resource copy = example.copy();
            copy.setId((String) null);
            if (copy instanceof ServiceRequest sr) {
                sr.getSubject().setReference(patientUrl);
                sr.setRequester(null);
                sr.setPerformer(java.util.List.of());
                sr.getIdentifierFirstRep().setValue("example-" + System.nanoTime());
            } else if (copy instanceof Consent c) {
                c.getPatient().setReference(patientUrl);
            }
            bundle.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(copy).getRequest()
                    .setMethod(Bundle.HTTPVerb.POST).setUrl(copy.fhirType());
            postable++;
        }
        assertThat(postable).isEqualTo(2);
        HttpResponse<String> response = gp.postTransaction(bundle);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle result = GpSystem.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
        ServiceRequest stored = (ServiceRequest) result.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(ServiceRequest.class::isInstance).findFirst().orElseThrow();
        assertThat(stored.getMeta().getProfile()).extracting(p -> p.getValue())
                .contains("https://spgateway.org/fhir/StructureDefinition/sp-referral");
        assertThat(gp.tasksFor(stored.getIdElement().getIdPart()).getEntry()).hasSize(1);
    }

    @Test
    void everySkippedExampleIsListedWithAReason() throws IOException {
        String readme = example("README.md");
        String skipList = readme.substring(readme.indexOf("## Skip list"));
        for (String skipped : new String[] {"UK Core Patient RichardSmith", "BaRS OperationOutcome"}) {
            String row = skipList.lines().filter(l -> l.contains(skipped)).findFirst().orElseThrow();
            assertThat(row.split("\\|")[2].trim()).as("reason for skipping %s", skipped).hasSizeGreaterThan(20);
        }
    }

    private static String example(String name) throws IOException {
        try (InputStream in = PublicExamplesIT.class.getResourceAsStream("/examples/" + name)) {
            assertThat(in).as("example %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
