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

/**
 * What a GP clinical system does over plain HTTP: authenticate with SMART Backend Services (an RS384 client assertion
 * signed with the embedded default's demo GP key, exchanged for an access token), post referral Bundles and look
 * them up. The signing is plain JCA, as an integrator without a JWT library would write it.
 */
public final class GpSystem {

    public static final FhirContext FHIR = FhirContext.forR4Cached();
    public static final String REFERRAL_IDS = "https://fhir.practice.example/referral-id";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String fhirBase;
    private final String tokenUrl;
    private final String audience;
    private final java.nio.file.Path keyFile;
    private String token;
    private java.time.Instant tokenExpires = java.time.Instant.EPOCH;

    public GpSystem(GatewayProcess gateway) {
        this(gateway, gateway.baseUrl());
    }

    /**
     * @param publicBaseUrl the gateway's address as clients see it ({@code spgateway.security.smart.public-base-url}
     *                      when nodes sit behind a load balancer): assertions name its token endpoint as audience
     */
    public GpSystem(GatewayProcess gateway, String publicBaseUrl) {
        this.fhirBase = gateway.fhirBase();
        this.tokenUrl = gateway.baseUrl() + "/oauth/token";
        this.audience = publicBaseUrl + "/oauth/token";
        this.keyFile = gateway.dataDir().resolve("demo-gp-client.pem");
    }

    /** A SMART Backend Services client assertion: a JWT signed RS384 with the demo GP system's private key. */
    public String clientAssertion() throws Exception {
        String pem = java.nio.file.Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(pem)));
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS384\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"demo-gp\",\"sub\":\"demo-gp\",\"aud\":\"" + audience
                + "\",\"exp\":" + (java.time.Instant.now().getEpochSecond() + 240) + ",\"jti\":\"" + UUID.randomUUID()
                + "\"}").getBytes(StandardCharsets.UTF_8));
        java.security.Signature rs384 = java.security.Signature.getInstance("SHA384withRSA");
        rs384.initSign(key);
        rs384.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64.encodeToString(rs384.sign());
    }

    /** Exchanges a client assertion for an access token at this gateway's token endpoint. */
    public HttpResponse<String> requestToken(String assertion) throws Exception {
        String form = "grant_type=client_credentials&client_assertion_type="
                + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&client_assertion=" + assertion
                + "&scope=" + URLEncoder.encode("system/*.read system/*.write", StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Forgets the access token (the gateway refused it, e.g. a restart changed its key): the next call fetches one. */
    public synchronized void forgetToken() {
        token = null;
    }

    /** An access token, fetched again 30 s before it expires. */
    public synchronized String token() throws Exception {
        if (token == null || java.time.Instant.now().isAfter(tokenExpires.minusSeconds(30))) {
            HttpResponse<String> response = requestToken(clientAssertion());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Token endpoint answered " + response.statusCode() + ": " + response.body());
            }
            com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
            token = body.get("access_token").asText();
            tokenExpires = java.time.Instant.now().plusSeconds(body.get("expires_in").asLong());
        }
        return token;
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

    /**
     * Longer than the gateway's own wait for a database connection (30 s, Hikari's default): a store that cannot be
     * opened (a full disk) is answered with 503 after that wait, and the test must see the answer.
     */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(60);

    public HttpResponse<String> post(String path, String body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(fhirBase + path)).timeout(ANSWER_WITHIN)
                .header("Authorization", "Bearer " + token()).header("Content-Type", contentType).header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(fhirBase + pathAndQuery)).timeout(ANSWER_WITHIN)
                .header("Authorization", "Bearer " + token()).header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
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
