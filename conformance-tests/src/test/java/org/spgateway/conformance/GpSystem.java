package org.spgateway.conformance;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

/** What a GP clinical system does over plain HTTP: post referral Bundles and look them up. */
public final class GpSystem {

    public static final FhirContext FHIR = FhirContext.forR4Cached();
    public static final String REFERRAL_IDS = "https://fhir.practice.example/referral-id";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String fhirBase;

    public GpSystem(String fhirBase) {
        this.fhirBase = fhirBase;
    }

    /** A transaction Bundle with a Patient (valid NHS number) and a social prescribing referral about them. */
    public static Bundle referralBundle(String referralIdentifier) {
        Patient patient = new Patient();
        patient.addIdentifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue("9434765919");
        patient.addName().setFamily("Smith").addGiven("Margaret");
        ServiceRequest sr = new ServiceRequest();
        sr.addIdentifier().setSystem(REFERRAL_IDS).setValue(referralIdentifier);
        sr.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE).setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        sr.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "871731000000106", "Referral to social prescribing service")));
        String patientUrl = "urn:uuid:" + UUID.randomUUID();
        sr.setSubject(new Reference(patientUrl));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        bundle.addEntry().setFullUrl(patientUrl).setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(sr).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest");
        return bundle;
    }

    public HttpResponse<String> postTransaction(Bundle bundle) throws Exception {
        return post("", FHIR.newJsonParser().encodeResourceToString(bundle), "application/fhir+json");
    }

    public HttpResponse<String> post(String path, String body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(fhirBase + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(fhirBase + pathAndQuery)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public Bundle search(String type, String query) throws Exception {
        HttpResponse<String> response = get("/" + type + "?" + query);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Search " + type + "?" + query + " answered " + response.statusCode() + ": " + response.body());
        }
        return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
    }

    /** The referrals stored under a business identifier. */
    public Bundle referralsWithIdentifier(String value) throws Exception {
        return search("ServiceRequest", "identifier=" + URLEncoder.encode(REFERRAL_IDS + "|" + value, StandardCharsets.UTF_8));
    }

    public Bundle tasksFor(String serviceRequestId) throws Exception {
        return search("Task", "focus=ServiceRequest/" + serviceRequestId);
    }
}
